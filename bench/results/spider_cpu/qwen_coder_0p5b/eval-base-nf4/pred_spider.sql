SELECT count(*) FROM singer
SELECT Name ,  Country ,  Age FROM singer ORDER BY Age
SELECT Name ,  Country ,  Age FROM singer ORDER BY Age DESC
SELECT DISTINCT Country FROM singer WHERE Age > 20
SELECT Country ,  COUNT(*) FROM singer GROUP BY Country
SELECT Country, COUNT(*) FROM singer GROUP BY Country
SELECT T1.Name, COUNT(*) FROM stadium AS T1 JOIN concert AS T2 ON T1.Stadium_ID = T2.Stadium_ID GROUP BY T1.Stadium_ID
SELECT YEAR FROM concert GROUP BY YEAR ORDER BY COUNT(*) DESC LIMIT 1
SELECT Name FROM stadium WHERE Stadium_ID NOT IN (SELECT concert_ID FROM concert)
SELECT Country FROM singer WHERE Age > 40 AND Age < 30
SELECT Name FROM stadium WHERE Stadium_ID NOT IN (SELECT Stadium_ID FROM concert WHERE Year = 2014)
SELECT concert_name ,  theme ,  count(*) FROM concert GROUP BY concert_name ,  theme
SELECT Name, COUNT(concert_ID) FROM singer_in_concert GROUP BY Name
SELECT Name, Country FROM singer WHERE Song_Name LIKE '%Hey%'
SELECT COUNT(concert_ID) FROM concert WHERE Stadium_ID = (SELECT Stadium_ID FROM stadium ORDER BY Capacity DESC LIMIT 1)
SELECT weight FROM Pets ORDER BY pet_age ASC LIMIT 1
SELECT COUNT(*) FROM Pets WHERE PetID IN (SELECT PetID FROM Has_Pet WHERE StuID IN (SELECT StuID FROM Student WHERE Age > 20))
SELECT Major, Age FROM Student WHERE PetID NOT IN (SELECT PetID FROM Has_Pet WHERE PetID IN (SELECT PetID FROM Pets WHERE PetType = 'cat'))
SELECT Major, Age FROM Student WHERE Major != 'cat' AND PetID NOT IN (SELECT PetID FROM Has_Pet)
SELECT StuID FROM Student WHERE PetID NOT IN (SELECT PetID FROM Pets WHERE PetType = 'cat')
SELECT PetType, weight FROM Pets ORDER BY pet_age ASC LIMIT 1
SELECT PetID, weight FROM Pets WHERE pet_age > 1
SELECT PetType, AVG(Age), MAX(Age) FROM Pets
SELECT PetType, AVG(weight) FROM Pets GROUP BY PetType
SELECT PetID FROM Pets WHERE PetType = 'cat' AND LName = 'Smith'
SELECT PetID FROM Pets WHERE PetType = 'cat' AND LName = 'Smith'
SELECT count(*) ,  StuID FROM Has_Pet GROUP BY StuID
SELECT LName FROM Student WHERE Major = 600 AND PetType = 'cat' AND pet_age = 3
SELECT count(*) FROM countries
SELECT DISTINCT FullName FROM car_makers WHERE Year = 1970
SELECT DISTINCT Model FROM model_list WHERE Year > 1980
SELECT T2.Continent, COUNT(*) FROM car_makers AS T1 JOIN continents AS T2 ON T1.Country = T2.Continent GROUP BY T2.Continent
SELECT T1.Continent, COUNT(T2.Id) FROM continents AS T1 JOIN car_makers AS T2 ON T1.Continent = T2.Country GROUP BY T1.Continent
SELECT CountryName FROM countries ORDER BY COUNT(Id) DESC LIMIT 1
SELECT COUNT(*) ,  Id ,  FullName FROM car_names GROUP BY FullName
SELECT COUNT(*) FROM model_list WHERE Model IN (SELECT Model FROM car_names WHERE Make = 'usa')
SELECT COUNT(*) FROM model_list WHERE Model LIKE '%USA%'
SELECT T2.CountryName, T2.CountryId FROM car_makers AS T1 JOIN model_list AS T2 ON T1.Id = T2.Maker
SELECT COUNT(*) FROM car_names WHERE Horsepower > 150
SELECT CountryName FROM countries WHERE Continent = 2 AND COUNT(Id) >= 3
SELECT T2.CountryName FROM countries AS T1 JOIN car_makers AS T2 ON T1.Country = T2.Country WHERE T1.Continent = 'Europe' AND T2.Id IN (SELECT Id FROM car_makers WHERE FullName LIKE '%American Motor Company')
SELECT AVG(Horsepower) FROM cars_data WHERE Year < 1980
SELECT MAX(Accelerate) FROM cars_data WHERE Cylinders IN (SELECT Cylinders FROM model_list GROUP BY Cylinders)
SELECT max(Accelerate) FROM cars_data
SELECT Model FROM model_list ORDER BY Year DESC LIMIT 1
SELECT Model FROM model_list GROUP BY Model ORDER BY count(*) DESC LIMIT 1
SELECT COUNT(*) FROM car_names WHERE Cylinders > 4
SELECT COUNT(*) FROM model_list WHERE Maker = 'American Motor Company'
SELECT DISTINCT Model FROM model_list WHERE Model IN (SELECT Model FROM car_names WHERE Make = 'General Motors' OR Weight > 3500)
SELECT DISTINCT YEAR FROM cars_data WHERE Weight < 4000 AND Weight > 3000
SELECT COUNT(*) FROM cars_data WHERE Accelerate > (SELECT Horsepower FROM model_list ORDER BY Horsepower DESC LIMIT 1)
SELECT COUNT(*) FROM car_names WHERE Cylinders > 6
SELECT COUNT(*) FROM car_names WHERE Cylinders > 6
SELECT Model FROM model_list WHERE Cylinders = 4 ORDER BY Horsepower DESC LIMIT 1
SELECT MakeId, Make FROM car_names WHERE Horsepower < 4
SELECT DISTINCT Model FROM model_list WHERE Model < 3500 AND Country != 'Ford Motor Company'
SELECT Id ,  Name FROM countries WHERE CountryId IN (SELECT Id FROM car_makers WHERE Model = 'fiat') OR COUNT(*) > 3
SELECT Airline, Abbreviation FROM airlines WHERE Country = "USA"
SELECT airportCode ,  airportName FROM airports WHERE city  =  "Anthony"
SELECT airportCode ,  airportName FROM airports WHERE city  =  "Anthony"
SELECT count(*) FROM flights
SELECT Airline FROM airlines WHERE Abbreviation = 'UAL'
SELECT Airline FROM airlines WHERE Abbreviation = 'UAL'
SELECT City, Country FROM airports WHERE AirportCode = 'ALT'
SELECT COUNT(*) FROM flights WHERE SourceAirport = 'Aberdeen'
SELECT COUNT(*) FROM flights WHERE SourceAirport = 'Aberdeen'
SELECT COUNT(*) FROM flights WHERE Airline = 'Jetblue Airlines'
SELECT COUNT(*) FROM flights WHERE Airline = 'United Airlines' AND SourceAirport = 'AHD'
SELECT COUNT(*) FROM flights WHERE Airline = 'United Airlines' AND SourceAirport = 'Aberdeen'
SELECT AirportCode FROM airports ORDER BY COUNT(*) ASC LIMIT 1
SELECT Airline FROM airlines GROUP BY Airline ORDER BY count(*) DESC LIMIT 1
SELECT Airline FROM airlines WHERE SourceAirport = 'AHD'
SELECT Airline FROM airlines WHERE Airline IN (SELECT Airline FROM flights WHERE SourceAirport = 'APG' INTERSECT SELECT Airline FROM flights WHERE DestAirport = 'CVO')
SELECT Airline FROM airlines WHERE Airline IN (SELECT Airline FROM flights WHERE SourceAirport = 'APG' INTERSECT SELECT Airline FROM flights WHERE DestAirport = 'CVO')
SELECT Airline FROM airlines WHERE SourceAirport = 'CVO' AND DestAirport NOT IN (SELECT DestAirport FROM airports WHERE SourceAirport = 'APG')
SELECT Airline FROM airlines WHERE FlightNo >= 10
SELECT FlightNo FROM flights WHERE Airline = "United Airlines"
SELECT FlightNo FROM flights WHERE SourceAirport = "APG"
SELECT FlightNo FROM flights WHERE SourceAirport = "Aberdeen"
SELECT count(*) FROM employee
SELECT Name FROM employee ORDER BY Age ASC
SELECT city ,  count(*) FROM employee GROUP BY city
SELECT LOCATION ,  count(*) FROM shop GROUP BY LOCATION
SELECT Manager_name ,  District FROM shop ORDER BY Number_products DESC LIMIT 1
SELECT Name FROM shop WHERE Number_products > (SELECT AVG(Number_products) FROM shop)
SELECT Name FROM employee ORDER BY Bonus DESC LIMIT 1
SELECT Name FROM employee WHERE Employee_ID NOT IN (SELECT Employee_ID FROM evaluation)
SELECT SUM(T2.Bonus) FROM evaluation AS T1 JOIN employee AS T2 ON T1.Employee_ID = T2.Employee_ID
SELECT count(DISTINCT LOCATION) FROM shop
SELECT count(*) FROM Documents
SELECT Document_ID, Document_Name, Document_Description FROM Documents
SELECT count(DISTINCT Template_ID) FROM Documents
SELECT COUNT(*) FROM Documents WHERE Template_ID IN (SELECT Template_ID FROM Templates WHERE Template_Type_Code = 'PPT')
SELECT T1.Template_ID, T1.Template_Type_Code FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID = T2.Document_ID ORDER BY T2.Paragraph_ID DESC LIMIT 1
SELECT T1.Template_ID, T1.Template_Type_Code FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID = T2.Document_ID ORDER BY T2.Document_ID DESC LIMIT 1
SELECT T1.Template_ID FROM Documents AS T1 JOIN Templates AS T2 ON T1.Template_ID = T2.Template_ID GROUP BY T1.Template_ID HAVING count(*) > 1
SELECT T1.Template_ID FROM Templates AS T1 JOIN Documents AS T2 ON T1.Template_ID = T2.Template_ID WHERE T2.Document_ID IS NULL
SELECT Template_ID, Version_Number, Template_Type_Code FROM Templates
SELECT Template_ID, Version_Number, Template_Type_Code FROM Templates
SELECT count(*) FROM Templates WHERE Template_Type_Code = 'CV'
SELECT Template_Type_Code FROM Ref_Template_Types GROUP BY Template_Type_Code ORDER BY count(*) DESC LIMIT 1
SELECT Template_Type_Code FROM Templates WHERE Template_Details = 'Data base'
SELECT Template_Type_Code, COUNT(*) FROM Documents GROUP BY Template_Type_Code
SELECT Template_Type_Code FROM Documents GROUP BY Template_Type_Code ORDER BY COUNT(*) DESC LIMIT 1
SELECT Template_Type_Description FROM Ref_Template_Types WHERE Template_Type_Code = 'AD'
SELECT Template_Type_Code FROM Ref_Template_Types WHERE Template_Type_Description = "Book"
SELECT COUNT(*) FROM Paragraphs
SELECT COUNT(*) FROM Paragraphs WHERE Document_ID = (SELECT Document_ID FROM Documents WHERE Document_Name = 'Summer Show')
SELECT Paragraph_ID, Paragraph_Text FROM Paragraphs WHERE Document_ID = (SELECT Document_ID FROM Documents WHERE Document_Name = 'Welcome to NY')
SELECT T1.Paragraph_ID, T1.Paragraph_Text FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID = T2.Document_ID WHERE T1.Document_Name = 'Welcome to NY'
SELECT Paragraph_Text FROM Paragraphs WHERE Document_ID = (SELECT Document_ID FROM Documents WHERE Document_Name = 'Customer reviews')
SELECT document_id FROM Documents WHERE paragraph_id IN (SELECT paragraph_id FROM paragraphs WHERE paragraph_text LIKE '%Paragraph Text%' GROUP BY paragraph_id HAVING count(*) >= 2)
SELECT document_id FROM Documents WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE paragraph_id IN (SELECT paragraph_id FROM Paragraphs WHERE
SELECT Document_ID FROM Documents WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_Text IN (SELECT Paragraph_Text FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_Text IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_Text IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE Paragraph_ID IN (SELECT Paragraph_ID FROM Paragraphs WHERE
SELECT T1.Document_ID FROM Documents AS T1 JOIN Paragraphs AS T2 ON T1.Document_ID = T2.Document_ID WHERE T2.Paragraph_Text = 'Brazil' OR T2.Paragraph_Text = 'Ireland'
SELECT document_id FROM Documents WHERE document_name LIKE '%Brazil%' AND document_name LIKE '%Ireland%'
SELECT Age, Hometown FROM teacher
SELECT Name FROM teacher WHERE Hometown != 'Little Lever Urban District'
SELECT Name FROM teacher WHERE Hometown != 'Little Lever Urban District'
SELECT Hometown FROM teacher ORDER BY Age ASC LIMIT 1
SELECT T2.Name, T1.Course FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.Teacher_ID = T2.Teacher_ID
SELECT Name FROM teacher WHERE Teacher_ID IN (SELECT Teacher_ID FROM course_arrange GROUP BY Teacher_ID HAVING COUNT(*) >= 2)
SELECT Name FROM teacher WHERE Teacher_ID NOT IN (SELECT Teacher_ID FROM course_arrange)
SELECT Name FROM visitor WHERE Level_of_membership > 4 ORDER BY Level_of_membership DESC
SELECT Museum_ID, Name FROM museum ORDER BY Num_of_Staff DESC LIMIT 1
SELECT Open_Year, Num_of_Staff FROM museum WHERE Name = 'Plaza Museum'
SELECT v.id, v.name, v.level_of_membership FROM visitor v JOIN visit v1 ON v.id = v1.visitor_id JOIN visit v2 ON v1.visitor_id = v2.visitor_id JOIN museum m ON v2.museum_id = m.museum_id WHERE v2.total_spent = (SELECT MAX(total_spent) FROM visit)
SELECT AVG(injured) FROM death
SELECT DISTINCT id, name FROM battle WHERE ship_type = 'Brig'
SELECT id, name FROM ship ORDER BY injured DESC LIMIT 1
SELECT name, result, bulgarian_commander FROM battle WHERE lost_in_battle = 0
SELECT course_description FROM Courses WHERE course_name = 'Math'
SELECT course_description FROM Courses WHERE course_name = 'Math'
SELECT T2.department_name, T2.department_id FROM Departments AS T1 JOIN Degree_Programs AS T2 ON T1.department_id = T2.department_id GROUP BY T1.department_id ORDER BY count(*) DESC LIMIT 1
SELECT department_name, department_id FROM Departments ORDER BY count(*) DESC LIMIT 1
SELECT count(DISTINCT department_id) FROM Departments
SELECT COUNT(*) FROM Degrees WHERE department_id = (SELECT department_id FROM Departments WHERE department_name = 'Engineering')
SELECT section_name, section_description FROM Sections
SELECT section_name FROM Sections ORDER BY section_name DESC
SELECT T1.semester_name, T1.semester_id FROM Semesters AS T1 JOIN Student_Enrolment AS T2 ON T1.semester_id = T2.semester_id GROUP BY T1.semester_id ORDER BY COUNT(T2.student_id) DESC LIMIT 1
SELECT department_description FROM Departments WHERE department_name LIKE '%computer%'
SELECT T1.degree_program_id, T1.degree_summary_name FROM Degree_Programs AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.degree_program_id = T2.degree_program_id ORDER BY COUNT(*) DESC LIMIT 1
SELECT student_id, first_name, middle_name, last_name, COUNT(*) AS enrollments FROM Student_Enrolment_Courses GROUP BY student_id ORDER BY enrollments DESC LIMIT 1
SELECT T2.semester_name FROM Semesters AS T1 INNER JOIN Student_Enrolment_Courses AS T2 ON T1.semester_id = T2.semester_id WHERE T2.student_id IS NULL
SELECT T2.course_name FROM Courses AS T1 JOIN Student_Enrolment AS T2 ON T1.course_id = T2.course_id
SELECT course_name FROM Courses ORDER BY count(*) DESC LIMIT 1
SELECT T2.course_name FROM Courses AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.course_id = T2.course_id ORDER BY T2.student_enrolment_id DESC LIMIT 1
SELECT T2.last_name FROM Students AS T1 INNER JOIN Student_Enrolment AS T2 ON T1.student_id = T2.student_id WHERE T1.current_address_id IN (SELECT address_id FROM Addresses WHERE state_province_county = 'North Carolina') AND T2.degree_program_id IS NULL
SELECT T1.transcript_date, T1.transcript_id FROM Transcript AS T1 JOIN Transcript_Contents AS T2 ON T1.transcript_id = T2.transcript_id WHERE T2.course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Student_Enrolment_Courses WHERE student_enrolment_id IN (SELECT student_id FROM Student_Enrolment))) AND T2.course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Transcript_Contents WHERE course_id IN (SELECT course_id FROM Transcript_Contents WHERE course
SELECT T1.first_name, T1.middle_name, T1.last_name FROM Students AS T1 JOIN Student_Enrolment AS T2 ON T1.student_id = T2.student_id ORDER BY T2.date_first_registered ASC LIMIT 1
SELECT first_name, middle_name, last_name FROM Students ORDER BY date_first_registered ASC LIMIT 1
SELECT T1.first_name, T1.middle_name, T1.last_name FROM Students AS T1 JOIN Degree_Programs AS T2 ON T1.department_id = T2.department_id ORDER BY T2.degree_summary_name ASC LIMIT 1
SELECT T1.first_name FROM Students AS T1 JOIN Addresses AS T2 ON T1.current_address_id = T2.address_id WHERE T1.permmanent_address_id != T2.address_id
SELECT address_id, line_1, line_2 FROM Addresses ORDER BY count(*) DESC LIMIT 1
SELECT count(DISTINCT address_id) FROM Addresses
SELECT other_student_details FROM Students ORDER BY other_student_details DESC
SELECT section_name FROM Sections WHERE section_id = 1
SELECT Title FROM Cartoon ORDER BY Title
SELECT Title FROM Cartoon WHERE Directed_by = 'Ben Jones'
SELECT COUNT(*) FROM Cartoon WHERE Written_by = "Joseph Kuhr"
SELECT Title FROM Cartoon WHERE Directed_by = 'Ben Jones' OR Directed_by = 'Brandon Vietti'
SELECT Country ,  COUNT(*) FROM TV_Channel GROUP BY Country ORDER BY COUNT(*) DESC LIMIT 1
SELECT Content FROM TV_Channel WHERE series_name = 'Sky Radio'
SELECT count(*) FROM TV_Channel WHERE Language = 'English'
SELECT Language ,  COUNT(*) FROM TV_Channel GROUP BY Language ORDER BY COUNT(*) ASC LIMIT 1
SELECT Language, COUNT(*) FROM TV_Channel GROUP BY Language ORDER BY COUNT(*) ASC LIMIT 1
SELECT Language ,  count(*) FROM TV_Channel GROUP BY Language
SELECT T1.series_name FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id = T2.Channel WHERE T2.Title = 'The Rise of the Blue Beetle!'
SELECT series_name FROM TV_Channel WHERE series_name = 'The Rise of the Blue Beetle!'
SELECT Episode FROM TV_series ORDER BY Rating
SELECT min(Share), max(Share) FROM TV_series
SELECT Air_Date FROM TV_series WHERE Episode = 'A Love of a Lifetime'
SELECT Air_Date FROM TV_series WHERE Episode = 'A Love of a Lifetime'
SELECT Weekly_Rank FROM TV_series WHERE Episode = 'A Love of a Lifetime'
SELECT Episode FROM TV_series WHERE Series_name = 'Sky Radio'
SELECT T1.directed_by, COUNT(T2.id) FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.Channel = T2.id WHERE T1.directed_by IN ('Ben Jones', 'Michael Jelenic', 'Steven Melching', 'Joseph Kuhr')
SELECT T1.directed_by, COUNT(T2.id) FROM Cartoon AS T1 JOIN TV_Channel AS T2 ON T1.Channel = T2.id GROUP BY T1.directed_by
SELECT T1.Country FROM TV_Channel AS T1 JOIN TV_series AS T2 ON T1.id = T2.Channel JOIN Cartoon AS T3 ON T2.id = T3.Channel WHERE T3.Directed_by = 'Todd Casey'
SELECT T1.Pixel_aspect_ratio_PAR, T1.Country FROM TV_Channel AS T1 WHERE T1.Language != 'English'
SELECT id FROM TV_Channel WHERE id NOT IN (SELECT id FROM TV_Channel GROUP BY id HAVING count(*) > 2)
SELECT Package_Option FROM TV_Channel WHERE Channel NOT IN (SELECT Channel FROM Cartoon WHERE Directed_by = 'Ben Jones')
SELECT Earnings FROM poker_player ORDER BY Earnings DESC
SELECT Money_Rank FROM poker_player ORDER BY Earnings DESC LIMIT 1
SELECT Name FROM people
SELECT Name FROM poker_player ORDER BY Final_Table_Made ASC
SELECT Birth_Date FROM poker_player ORDER BY Earnings ASC LIMIT 1
SELECT Birth_Date FROM poker_player ORDER BY Earnings ASC LIMIT 1
SELECT Money_Rank FROM poker_player ORDER BY Money_Rank DESC LIMIT 1
SELECT Name FROM poker_player ORDER BY Earnings DESC
SELECT Nationality FROM people GROUP BY Nationality HAVING COUNT(*) >= 2
SELECT Name FROM people WHERE Nationality != "Russia"
SELECT Name FROM people WHERE People_ID NOT IN (SELECT People_ID FROM poker_player)
SELECT count(DISTINCT Nationality) FROM people
SELECT created FROM VOTES WHERE state = 'CA' ORDER BY created DESC LIMIT 1
SELECT T2.contestant_number, T2.contestant_name FROM VOTES AS T1 JOIN CONTESTANTS AS T2 ON T1.contestant_number = T2.contestant_number GROUP BY T1.contestant_number HAVING count(*) >= 2
SELECT COUNT(*) FROM VOTES WHERE state IN ('NY', 'CA')
SELECT area_code FROM VOTES GROUP BY area_code ORDER BY count(*) DESC LIMIT 1
SELECT Continent FROM country WHERE Name = 'Anguilla'
SELECT Language FROM countrylanguage WHERE CountryCode = 'ABW' ORDER BY Percentage DESC LIMIT 1
SELECT Language FROM countrylanguage WHERE CountryCode = 'ABW' ORDER BY Percentage DESC LIMIT 1
SELECT Region ,  Population FROM country WHERE Name = 'Angola'
SELECT Name FROM country WHERE Continent = 'Asia' ORDER BY LifeExpectancy ASC LIMIT 1
SELECT SUM(Population) ,  MAX(GNP) FROM city WHERE CountryCode IN (SELECT Code FROM country WHERE Continent = 'Asia')
SELECT Population FROM city WHERE District = 'Gelderland'
SELECT AVG(GNP) ,  SUM(Population) FROM country WHERE CountryCode IN (SELECT Code FROM countrylanguage WHERE Language = 'English' AND IsOfficial = 'T')
SELECT count(DISTINCT Language) FROM countrylanguage
SELECT count(DISTINCT GovernmentForm) FROM country
SELECT COUNT(T2.Language) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode = T2.Code WHERE T2.Name = 'Afghanistan'
SELECT COUNT(T2.Language) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode = T2.Code WHERE T2.Name = 'Afghanistan'
SELECT T2.Continent FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code = T2.CountryCode ORDER BY T2.Percentage DESC LIMIT 1
SELECT count(DISTINCT Continent) FROM country WHERE Name = 'Chinese'
SELECT Language FROM countrylanguage WHERE IsOfficial = 'F' ORDER BY Population DESC LIMIT 1
SELECT Name FROM city WHERE Population = (SELECT MAX(Population) FROM city WHERE Language = 'English')
SELECT COUNT(DISTINCT Language) FROM countrylanguage WHERE CountryCode IN (SELECT Code FROM country WHERE IndepYear < 1930)
SELECT Name FROM country WHERE SurfaceArea > (SELECT SurfaceArea FROM country WHERE Continent = 'Europe')
SELECT Name FROM country WHERE Population < (SELECT Population FROM country WHERE CountryCode IN (SELECT CountryCode FROM countrylanguage WHERE Language = 'English' AND IsOfficial = 'F'))
SELECT Name FROM city WHERE CountryCode IN (SELECT Code FROM countrylanguage WHERE Language = 'English' AND IsOfficial = 'F')
SELECT T1.Name ,  COUNT(T2.Language) FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code = T2.CountryCode GROUP BY T1.Code
SELECT T2.GovernmentForm ,  T2.Population FROM country AS T1 JOIN countrylanguage AS T2 ON T1.Code = T2.CountryCode WHERE T2.Percentage > 72
SELECT DISTINCT GovernmentForm ,  SUM(Population) FROM countrylanguage WHERE Percentage > 72 GROUP BY GovernmentForm
SELECT Name ,  SurfaceArea FROM country ORDER BY Population DESC LIMIT 5
SELECT Name FROM city ORDER BY Population LIMIT 3
SELECT count(*) FROM country WHERE Continent = 'Asia'
SELECT country.Code, countrylanguage.Language, countrylanguage.Percentage FROM country JOIN countrylanguage ON country.Code = countrylanguage.CountryCode GROUP BY country.Code
SELECT count(*) FROM conductor
SELECT Name FROM conductor WHERE Nationality != "USA"
SELECT Name FROM conductor WHERE Nationality != "USA"
SELECT count(DISTINCT Nationality) FROM conductor
SELECT Name FROM conductor ORDER BY Year_of_Work DESC LIMIT 1
SELECT Name, Record_Company FROM conductor
SELECT conductor.Name, orchestra.Orchestra FROM conductor JOIN orchestra ON conductor.Conductor_ID = orchestra.Conductor_ID
SELECT Name FROM conductor WHERE conductor_ID IN (SELECT Conductor_ID FROM orchestra GROUP BY Conductor_ID HAVING count(*) > 1)
SELECT Name FROM conductor ORDER BY COUNT(*) DESC LIMIT 1
SELECT Record_Company, COUNT(*) FROM orchestra GROUP BY Record_Company
SELECT Major_Record_Format FROM orchestra ORDER BY count(*)
SELECT Major_Record_Format FROM orchestra ORDER BY Weekly_rank
SELECT orchestra_orchestra_orchestra_id FROM orchestra WHERE orchestra_orchestra_orchestra_id NOT IN (SELECT performance_orchestra_orchestra_id FROM performance)
SELECT count(*) FROM orchestra WHERE Major_Record_Format IN ('CD', 'DVD')
SELECT Year_of_Founded FROM orchestra GROUP BY Year_of_Founded HAVING count(*) > 1
SELECT count(*) FROM Highschooler
SELECT name, grade FROM Highschooler
SELECT ID FROM Highschooler WHERE name = 'Kyle'
SELECT count(*) FROM Highschooler WHERE grade IN (9, 10)
SELECT grade, COUNT(*) FROM Highschooler GROUP BY grade
SELECT grade, COUNT(*) FROM Highschooler GROUP BY grade
SELECT grade FROM Highschooler GROUP BY grade HAVING count(*) >= 4
SELECT student_id ,  count(*) FROM Friend GROUP BY student_id
SELECT H.name, COUNT(F.friend_id) FROM Highschooler H JOIN Friend F ON H.ID = F.student_id GROUP BY H.ID
SELECT name FROM Highschooler WHERE ID IN (SELECT student_id FROM Friend GROUP BY student_id HAVING count(*) >= 3)
SELECT T1.name FROM Highschooler AS T1 JOIN Friend AS T2 ON T1.ID = T2.student_id WHERE T1.name = 'Kyle'
SELECT count(*) FROM Friend WHERE student_id = (SELECT ID FROM Highschooler WHERE name = 'Kyle')
SELECT T1.student_id FROM Likes AS T1 JOIN Friend AS T2 ON T1.liked_id = T2.student_id JOIN Highschooler AS T3 ON T2.student_id = T3.ID WHERE T3.name = 'Jordan'
SELECT student_id, COUNT(*) FROM Likes GROUP BY student_id
SELECT H.name, COUNT(L.liked_id) FROM Likes AS L JOIN Highschooler AS H ON L.student_id = H.ID GROUP BY H.name
SELECT T1.name FROM Likes AS T1 JOIN Highschooler AS T2 ON T1.student_id = T2.ID GROUP BY T1.student_id HAVING count(*) >= 2
SELECT T1.name FROM Likes AS T1 JOIN Highschooler AS T2 ON T1.student_id = T2.ID WHERE T1.liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked
SELECT count(*) FROM Likes WHERE student_id = (SELECT ID FROM Highschooler WHERE name = 'Kyle')
SELECT AVG(grade) FROM Highschooler WHERE ID IN (SELECT student_id FROM Friend)
SELECT MIN(grade) FROM Highschooler WHERE ID NOT IN (SELECT student_id FROM Friend)
SELECT AVG(age) FROM Dogs WHERE dog_id IN (SELECT dog_id FROM Treatments)
SELECT T2.professional_id, T2.last_name, T2.cell_number FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T1.state = 'Indiana' OR T2.date_adopted > 2
SELECT T1.name FROM Dogs AS T1 JOIN Treatments AS T2 ON T1.dog_id = T2.dog_id WHERE T2.cost_of_treatment > 1000
SELECT T1.name FROM Dogs AS T1 JOIN Owners AS T2 ON T1.owner_id = T2.owner_id WHERE T2.first_name = 'John' AND T2.last_name = 'Doe' AND T1.date_adopted < 1000
SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2
SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.name IS NOT IN (SELECT T1.first_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2
SELECT T2.professional_id, T2.role_code, T2.email_address FROM Treatments AS T1 JOIN Professionals AS T2 ON T1.professional_id = T2.professional_id WHERE T1.date_adopted IS NULL
SELECT T2.role_code, T2.email_address FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.dog_id IS NULL
SELECT T1.owner_id, T1.first_name, T1.last_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id ORDER BY COUNT(*) DESC LIMIT 1
SELECT T1.owner_id, T1.first_name, T1.last_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id ORDER BY COUNT(*) DESC LIMIT 1
SELECT T2.role_code, T2.first_name FROM Treatments AS T1 JOIN Professionals AS T2 ON T1.professional_id = T2.professional_id WHERE T1.treatment_type_code IN (SELECT treatment_type_code FROM Treatments GROUP BY treatment_type_code HAVING count(*) >= 2)
SELECT T1.date_of_treatment, T2.first_name FROM Treatments AS T1 JOIN Owners AS T2 ON T1.owner_id = T2.owner_id
SELECT T1.first_name, T1.last_name, T2.size_description FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id
SELECT T1.name, T2.date_of_treatment FROM Dogs AS T1 JOIN Treatments AS T2 ON T1.dog_id = T2.dog_id WHERE T1.breed_code = 'rarest'
SELECT T1.first_name, T1.dog_id, T2.name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T1.state = 'Virginia'
SELECT T1.arrived_date, T2.departed_date FROM Dogs AS T1 JOIN Treatments AS T2 ON T1.dog_id = T2.dog_id WHERE T2.treatment_type_code = 'Treatment'
SELECT T2.last_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id ORDER BY T2.age ASC LIMIT 1
SELECT COUNT(*) FROM Treatments
SELECT COUNT(DISTINCT professional_id) FROM Treatments
SELECT T2.role_code, T2.first_name, T2.last_name, T2.street, T2.city, T2.state FROM Owners AS T1 JOIN Owners AS T2 ON T1.owner_id = T2.owner_id WHERE T1.city LIKE '%West%'
SELECT COUNT(*) FROM Dogs WHERE age < (SELECT AVG(age) FROM Dogs)
SELECT COUNT(DISTINCT dog_id) FROM Dogs WHERE age < (SELECT AVG(age) FROM Dogs)
SELECT T2.cost_of_treatment FROM Treatments AS T1 JOIN Charges AS T2 ON T1.treatment_type_code = T2.treatment_type_code ORDER BY T1.date_of_treatment DESC LIMIT 1
SELECT COUNT(DISTINCT professional_id) FROM Treatments WHERE treatment_type_code IN (SELECT treatment_type_code FROM Treatments WHERE date_adopted IS NULL)
SELECT COUNT(*) FROM Professionals WHERE professional_id NOT IN (SELECT professional_id FROM Treatments)
SELECT age FROM Dogs ORDER BY age ASC LIMIT 1
SELECT charge_type, charge_amount FROM Charges
SELECT T2.email_address, T2.cell_number, T2.home_phone FROM Owners AS T1 JOIN Owners AS T2 ON T1.owner_id = T2.owner_id
SELECT DISTINCT breed_type, size_type FROM Dogs
SELECT T1.first_name, T1.role_code, T2.treatment_type_description FROM Owners AS T1 JOIN Treatments AS T2 ON T1.owner_id = T2.owner_id
SELECT count(*) FROM singer
SELECT Name FROM singer ORDER BY Net_Worth_Millions ASC
SELECT Name FROM singer ORDER BY Net_Worth_Millions DESC LIMIT 1
SELECT Citizenship, COUNT(*) FROM singer GROUP BY Citizenship
SELECT Citizenship FROM singer GROUP BY Citizenship ORDER BY COUNT(*) DESC LIMIT 1
SELECT Name, SUM(Sales) FROM singer JOIN song ON singer.Singer_ID = song.Singer_ID GROUP BY Name
SELECT Name FROM singer WHERE Singer_ID NOT IN (SELECT Singer_ID FROM song)
SELECT Name FROM singer WHERE Singer_ID NOT IN (SELECT Singer_ID FROM song)
SELECT T2.feature_type_name FROM Other_Available_Features AS T1 INNER JOIN Properties AS T2 ON T1.feature_id = T2.property_id WHERE T1.feature_name = 'AirCon'
SELECT T2.property_type_description FROM Properties AS T1 JOIN Other_Available_Features AS T2 ON T1.property_id = T2.property_id WHERE T1.property_type_code = 'your_property_type_code'
SELECT T2.property_name FROM Properties AS T1 INNER JOIN Other_Available_Features AS T2 ON T1.property_id = T2.property_id WHERE T1.room_count > 1
