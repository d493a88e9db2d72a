SELECT count(*) FROM singer
SELECT T1.name ,  T1.country ,  T1.age FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.singer_id ORDER BY T1.age DESC
SELECT T1.name ,  T1.country ,  T1.age FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.singer_id ORDER BY count(*) DESC LIMIT 1
SELECT Country FROM singer WHERE Age  >  20
SELECT Country ,  count(*) FROM singer GROUP BY Country
SELECT count(*) ,  Country FROM singer
SELECT T2.name ,  count(*) FROM stadium AS T1 JOIN stadium_name AS T2 ON T1.stadium_id  =  T2.stadium_id GROUP BY T1.stadium_id ORDER BY count(*) DESC LIMIT 1
SELECT YEAR FROM concert GROUP BY YEAR ORDER BY COUNT(*) DESC LIMIT 1
SELECT T2.name FROM stadium AS T1 JOIN singer_in_concert AS T2 ON T1.stadium_id  =  T2.stadium_id WHERE T1.stadium_name  =  "concert"
SELECT Country FROM singer WHERE Age  >  40 AND Age  <  30
SELECT T1.name FROM stadium AS T1 JOIN concert AS T2 ON T1.stadium_id  =  T2.stadium_id WHERE T2.year  =  2014
SELECT T1.name ,  T1.theme ,  count(*) FROM singer_in_concert AS T1 JOIN concert AS T2 ON T1.concert_id  =  T2.concert_id GROUP BY T1.concert_name
SELECT singer_name ,  count(*) FROM singer GROUP BY singer_name
SELECT T1.name ,  T1.country FROM singer AS T1 JOIN concert AS T2 ON T1.concert_id  =  T2.concert_id WHERE T2.song_name  =  "Hey"
SELECT count(*) ,  Highest FROM stadium WHERE Capacity  =  (SELECT max(Capacity) FROM stadium)
SELECT weight FROM Pets WHERE pet_age  =  "Youngest"
SELECT count(*) FROM pets WHERE age  >  20 GROUP BY pet_age
SELECT major ,  age FROM Student WHERE StuID NOT IN (SELECT StuID FROM Pets)
SELECT major ,  age FROM Student WHERE studentid NOT IN (SELECT studentid FROM Pets WHERE pettype  =  'cat') AND age  =  (SELECT avg(weight) FROM Pets)
SELECT StuID FROM Student WHERE PetType NOT IN (SELECT pet_age FROM Pets)
SELECT pet_age ,  weight FROM Pets ORDER BY pet_age DESC LIMIT 1
SELECT pet_age ,  weight FROM Pets WHERE age  >  1
SELECT avg(age) ,  max(age) FROM Pets GROUP BY pet_age
SELECT pet_weight ,  pet_weight FROM Pets GROUP BY pet_weight ORDER BY sum(pet_weight)
SELECT pet_id FROM pet AS T1 JOIN student AS T2 ON T1.stuid  =  T2.stuid WHERE T1.lname  =  'Smith'
SELECT pet_id FROM pet AS T1 JOIN student AS T2 ON T1.stuid  =  T2.stuid WHERE T2.lname  =  'Smith'
SELECT pet_age ,  count(*) FROM Pets GROUP BY pet_age
SELECT T1.LName FROM Pets AS T1 JOIN Student AS T2 ON T1.PetID  =  T2.PetID WHERE T2.pet_age  =  3 AND T2.pet_age  =  3000 WHERE T2.cat  =  3
SELECT count(*) FROM countries
SELECT Maker FROM cars_data WHERE Year  =  "1970"
SELECT DISTINCT model FROM cars_data WHERE Year  >  1980
SELECT DISTINCT country ,  count(*) FROM cars_data GROUP BY country
SELECT Continent ,  COUNT(*) FROM continents GROUP BY Continent
SELECT countryname FROM car_makers GROUP BY countryname ORDER BY count(*) DESC LIMIT 1
SELECT M8.Make ,  M12.Model ,  M13.FullName FROM cars AS T1 JOIN model_list AS T2 ON T1.Model  =  T2.Model WHERE T1.Maker  =  "Chevrolet" OR T2.Maker  =  "Chevrolet"
SELECT count(*) FROM car_models
SELECT count(*) FROM car_models WHERE country  =  "United States"
SELECT country ,  countryname FROM cars_data WHERE country  =  "USA"
SELECT count(*) FROM cars_data WHERE horsepower  >  150
SELECT country FROM car_manufacturers WHERE country  =  "Europe" OR country  =  "Europe"
SELECT DISTINCT country FROM car_names WHERE manufacturer  =  'Europe'
SELECT avg(Horsepower) FROM cars_data WHERE Year  >  1980
SELECT max(Accelerate) FROM cars_data WHERE Cylinders  =  "1" OR Cylinders  =  "2"
SELECT max(Accelerate) FROM cars_data WHERE Cylinders  =  "18"
SELECT model.Model FROM cars AS T1 JOIN cars_data AS T2 ON T1.Model  =  T2.Model WHERE T1.Make  =  "Chevrolet" OR T2.Make  =  "Chevrolet"
SELECT model FROM model_list GROUP BY model ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM cars_data WHERE cylinders  >  4
SELECT count(*) FROM car_makers AS T1 JOIN cars_data AS T2 ON T1.Id  =  T2.Id WHERE T1.Maker  =  "American Motor Company"
SELECT Model FROM cars_data WHERE Weight  >  3500
SELECT YEAR ,  Weight FROM cars_data WHERE Weight  <  4000 GROUP BY YEAR ,  Weight
SELECT count(*) FROM cars_data WHERE horsepower  =  (SELECT max(horsepower) FROM cars_data WHERE model  =  'car_name' ) AS T1 JOIN cars_data ON cars_data.model  =  T1.model WHERE cars_data.make  =  'chevrolet' AND cars_data.make  =  'chevrolet chevrolet'
SELECT count(*) FROM cars_data WHERE cylinders  >  6
SELECT count(*) FROM cars_data WHERE cylinders  >  6
SELECT Model FROM cars_data WHERE horsepower  =  (SELECT max(horsepower) FROM cars_data WHERE cylinders  =  "4" )
SELECT make ,  model ,  make ,  model FROM cars_data WHERE horsepower  <  4
SELECT Model FROM cars_data WHERE Weight  <  3500 AND Engine_type  =  "Ford"
SELECT countryid ,  countryname FROM cars_data WHERE countryid  >  3 AND countryname  =  "Fiat"
SELECT airline ,  abbreviation FROM airlines WHERE country  =  'USA'
SELECT AirportName ,  AirportCode FROM airports AS T1 JOIN airports AS T2 ON T1.AirportCode  =  T2.AirportCode WHERE T1.City  =  "Anthony"
SELECT AirportName ,  AirportCode FROM airports AS T1 JOIN airlines AS T2 ON T1.Airline  =  T2.Airline WHERE T1.AirportName  =  "Athlony" AND T2.AirportCode  =  "Athlony"
SELECT count(*) FROM flights
SELECT Airline FROM airlines WHERE Abbreviation  =  'UAL'
SELECT Airline FROM airlines WHERE Abbreviation  =  'UAL'
SELECT city ,  country FROM airports WHERE airportCode  =  "Talewel"
SELECT count(*) FROM flights WHERE City =  "Aberdeen"
SELECT count(*) FROM flights WHERE city  =  'Abdeen'
SELECT count(*) FROM airlines AS T1 JOIN airports AS T2 ON T1.airportCode  =  T2.airportCode WHERE T1.Airline  =  'Jetblue'
SELECT count(*) FROM flights WHERE AirportName  =  'AHD'
SELECT count(*) FROM flights WHERE SourceAirport  =  'Aberdeen'
SELECT AirportName ,  AirportCode FROM airports ORDER BY SourceAirport DESC LIMIT 1
SELECT airline ,  count(*) FROM airlines GROUP BY airline
SELECT Airline FROM airlines WHERE AirportName  =  'AHD'
SELECT T2.Airline ,  T2.AirportName FROM flights AS T1 JOIN airports AS T2 ON T1.AirportCode  =  T2.AirportCode JOIN airlines AS T3 ON T1.Airline  =  T3.Airline WHERE T3.AirportName  =  'APG' AND T3.AirportName  =  'CVO'
SELECT T2.Airline ,  T2.FlightNo FROM flights AS T1 JOIN airlines AS T2 ON T1.AirportCode  =  T2.AirportCode JOIN airports AS T1 ON T1.SourceAirport  =  T2.DestAirport WHERE T1.DestAirport  =  T2.SourceAirport
SELECT Airline ,  DepartureAirport FROM airlines WHERE Airline  =  'CVO' AND DestAirport  =  'APG'
SELECT airline FROM airlines WHERE count(airportname)  >  10
SELECT flightno FROM flights WHERE airline  =  "United Airlines"
SELECT flightno FROM flights WHERE AirportCode  =  "APG"
SELECT flightno FROM flights WHERE SourceAirport  =  "Aberdeen"
SELECT count(*) FROM employee
SELECT T1.Name ,  T2.Age FROM employee AS T1 JOIN employee AS T2 ON T1.Employee_ID  =  T2.Employee_ID ORDER BY T1.Age
SELECT count(DISTINCT city) FROM employee
SELECT count(*) ,  location FROM shop GROUP BY location
SELECT manager_name ,  district FROM shop WHERE number_products  =  3516 INTERSECT SELECT manager_name ,  district FROM shop WHERE number_products  =  3516
SELECT T1.name FROM employee AS T1 JOIN shop AS T2 ON T1.employee_id  =  T2.employee_id WHERE T2.number_products  >   (SELECT avg(number_products) FROM employee WHERE employee_id  =  T2.employee_id)
SELECT Employee_ID FROM evaluation WHERE Bonus  =  'Most'
SELECT T1.Name FROM employee AS T1 JOIN evaluation AS T2 ON T1.Employee_ID  =  T2.Employee_ID WHERE T2.Bonus  =  'No evaluation'
SELECT sum(bonus) FROM evaluation
SELECT count(DISTINCT location) FROM Hiring
SELECT count(*) FROM documents
SELECT Document_ID ,  Document_Name ,  Document_Description FROM Documents
SELECT count(DISTINCT template_type_code) FROM Ref_template_types
SELECT count(*) FROM documents WHERE template_type_code  =  'PPT'
SELECT template_id ,  template_type_code FROM documents GROUP BY template_id ORDER BY count(*) DESC LIMIT 1
SELECT template_id ,  template_type_code FROM Ref_template_types GROUP BY template_id ORDER BY count(*) DESC LIMIT 1
SELECT template_id FROM Ref_template_types GROUP BY template_id HAVING count(*)  >  1
SELECT template_id FROM Ref_template_types EXCEPT SELECT template_id FROM Templates
SELECT template_id ,  version_number ,  template_type_code FROM Ref_template_types
SELECT template_id ,  version_number ,  template_type_code FROM Ref_template_types
SELECT count(*) FROM Ref_template_types WHERE template_type_code  =  "CV"
SELECT template_type_code FROM Ref_template_types GROUP BY template_type_code ORDER BY count(*) DESC LIMIT 1
SELECT template_type_code FROM documents WHERE template_id  =  (SELECT template_id FROM ref_template_types WHERE template_type_code  =  'Ref-Template-Type' )
SELECT T1.template_type_code ,  count(*) FROM Ref_template_types AS T1 JOIN Templates AS T2 ON T1.template_type_code  =  T2.template_type_code GROUP BY T1.template_type_code
SELECT template_type_code FROM documents GROUP BY template_type_code ORDER BY count(*) DESC LIMIT 1
SELECT template_type_description FROM ref_template_types WHERE template_type_code  =  "AD"
SELECT template_type_code FROM Ref_template_types WHERE template_type_description  =  "Book"
SELECT count(*) FROM Paragraphs
SELECT count(*) FROM Paragraphs WHERE Document_Name  =  'Summer Show'
SELECT Document_ID ,  document_name FROM ParagraphS AS T1 JOIN Ref_template_types AS T2 ON T1.Template_ID  =  T2.Template_ID WHERE T1.Template_Type_Code  =  'Welcome to NY'
SELECT Document_ID ,  document_name FROM Paragraphs AS T1 JOIN Ref_template_types AS T2 ON T1.Template_ID  =  T2.Template_ID WHERE T1.Template_Type_Code  =  'Ref_Template_Types'
SELECT document_name FROM paragraphs WHERE document_name  =  'Customer Reviews'
SELECT Document_ID FROM documents WHERE document_name  =  "2" AND document_id  =  2 OR document_id  =  3
SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs WHERE document_id  =  (SELECT document_id FROM paragraphs
SELECT Document_ID FROM ParagraphS WHERE Document_ID INTERSECT SELECT Document_ID FROM paragraphs
SELECT Document_ID FROM Paragraphs AS T1 JOIN Ref_Template_Types AS T2 ON T1.Document_ID  =  T2.Template_ID WHERE T2.Template_Type_Code  =  'Brazil' AND T2.Template_Type_Description  =  'Ireland'
SELECT Document_ID FROM documents WHERE document_name  =  'Brazil' AND document_text  =  'Brazil' INTERSECT SELECT document_id FROM paragraphs WHERE document_name  =  'Ireland'
SELECT T1.age ,  T1.hometown FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T2.name  =  "teacher"
SELECT T1.Name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.Course_ID  =  T2.Course_ID WHERE T2.Hometown  !=  "Little Lever Urban District"
SELECT T1.Name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.Course_ID  =  T2.Course_ID WHERE T2.Hometown  !=  "Little Lever Urban District"
SELECT T1.name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T2.age  =  "Youngest"
SELECT T1.Name ,  T2.Name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id
SELECT T1.Name FROM teacher AS T1 JOIN course AS T2 ON T1.Course_ID  =  T2.Course_ID WHERE T2.Grade  =  "2"
SELECT T2.Name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.teacher_id  =  T2.teacher_id WHERE T1.Grade  =  "Not arranged"
SELECT T1.Name FROM visit AS T1 JOIN museum AS T2 ON T1.Museum_ID  =  T2.Museum_ID ORDER BY T2.Num_of_Staff DESC LIMIT 1
SELECT T2.id ,  T1.name FROM visit AS T1 JOIN museum AS T2 ON T1.Museum_ID  =  T2.Museum_ID GROUP BY T1.id ORDER BY count(*) DESC LIMIT 1
SELECT name ,  Num_of_Staff FROM museum WHERE name  =  "Plaza Museum"
SELECT T1.id ,  T1.name ,  T1.num_of_ticket FROM visit AS T1 JOIN museum AS T2 ON T1.museum_id  =  T2.museum_id GROUP BY T1.museum_id ORDER BY sum(T1.total_spent) DESC LIMIT 1
SELECT avg(injury) ,  count(*) FROM death GROUP BY injury ORDER BY count(*) DESC LIMIT 1
SELECT T2.id ,  T1.name ,  T1.name FROM ship AS T1 JOIN battle AS T2 ON T1.id  =  T2.id WHERE T2.name  =  "Brig"
SELECT ship_id ,  name FROM ship WHERE injury  =  'Total Injury'
SELECT name ,  result ,  bulgarian_commander FROM battle WHERE defeated_ship_id NOT IN (SELECT defeated_ship_id FROM battle WHERE defeated_ship_type  =  'English Channel')
SELECT T2.course_description FROM Transcript_Contents AS T1 JOIN Transcript_details AS T2 ON T1.transcript_id  =  T2.transcript_id WHERE T1.transcript_id  =  T2.transcript_id
SELECT T2.transcript_description FROM Transcript_Contents AS T1 JOIN Transcript_Contents AS T2 ON T1.transcript_id  =  T2.transcript_id WHERE T1.transcript_id  =  T2.transcript_id
SELECT department_name ,  department_id FROM degrees ORDER BY department_id DESC LIMIT 1
SELECT department_name ,  department_id FROM degrees ORDER BY department_id DESC LIMIT 1
SELECT count(DISTINCT department_name) FROM degrees
SELECT count(*) FROM degrees WHERE department_name  =  'Engineering'
SELECT T2.name ,  T2.description FROM sections AS T1 JOIN sections AS T2 ON T1.department_id  =  T2.department_id WHERE T1.department_name  =  "Sciences"
SELECT T2.department_name FROM Transcript_Contents AS T1 JOIN sections AS T2 ON T1.department_id  =  T2.department_id WHERE T1.department_name  =  "Sections" ORDER BY T1.department_name
SELECT T1.student_course_id ,  T1.student_course_id FROM Transcript_Contents AS T1 JOIN Transcript_Contents AS T2 ON T1.transcript_id  =  T2.transcript_id GROUP BY T1.semester_id ORDER BY count(*) DESC LIMIT 1
SELECT department_name FROM Departments WHERE department_name  =  "Computer Science"
SELECT DISTINCT T1.degree_summary_name ,  T1.degree_summary_description FROM Degree_Programs AS T1 JOIN Transcript_Contents AS T2 ON T1.department_id  =  T2.department_id GROUP BY T1.department_id ORDER BY count(*) DESC LIMIT 1
SELECT t1.student_course_id ,  t1.student_id ,  t1.student_name ,  t1.student_name ,  t1.student_name ,  t1.student_name ,  t1.student_name FROM Transcript AS t1 JOIN Transcript_Contents AS t2 ON t1.transcript_id  =  t2.transcript_id JOIN Student_Enrolment_Courses AS t3 ON t2.student_course_id  =  t3.student_course_id WHERE t3.student_enrolment_id  =  (SELECT t1.student_enrolment_id FROM Transcript_Contents AS t1 JOIN Transcript_
SELECT semester_name FROM semesters WHERE semester_id NOT IN (SELECT semester_id FROM Student_enrolment_courses)
SELECT T2.name FROM Transcript_Contents AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.student_course_id  =  T2.student_course_id WHERE T1.student_enrolment_id  =  (SELECT T1.student_enrolment_id FROM Transcript_Contents AS T3 JOIN Student_Enrolment_Courses AS T4 ON T3.student_course_id  =  T4.student_course_id WHERE T3.student_enrolment_id  =  (SELECT T3.student_enrolment_id FROM Transcript_Contents AS T5 JOIN Student_Enrolment_Courses AS T6
SELECT T2.course_name FROM Transcript_Contents AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.transcript_id  =  T2.transcript_id GROUP BY T1.course_id ORDER BY count(*) DESC LIMIT 1
SELECT T2.course_name FROM Transcript_Contents AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.transcript_id  =  T2.transcript_id GROUP BY T1.transcript_id ORDER BY count(*) DESC LIMIT 1
SELECT T1.student_name FROM Transcript_Contents AS T1 JOIN Transcript_Contents AS T2 ON T1.transcript_id  =  T2.transcript_id WHERE T2.student_course_id  =  T1.student_course_id AND T1.student_name  =  'North Carolina' ORDER BY T1.transcript_date DESC LIMIT 1
SELECT T2.transcript_id ,  T1.transcript_id FROM Transcript_Contents AS T1 JOIN Transcript_Contents AS T2 ON T1.transcript_id  =  T2.transcript_id WHERE T1.transcript_id  =  (SELECT T2.transcript_id FROM Transcript_Contents AS T2 JOIN Transcript_Contents AS T3 ON T2.transcript_id  =  T3.transcript_id WHERE T3.transcript_id  =  (SELECT T1.transcript_id FROM Transcript_Contents AS T1 JOIN Transcript_contents AS T3 ON T1.transcript_id  =  T3.transcript_id WHERE T3.transcript_id  =
SELECT first_name ,  middle_name ,  last_name FROM students WHERE student_id  =  ( SELECT student_id FROM students WHERE student_course_id  =  'Transcript_Contents' )
SELECT first_name ,  middle_name ,  last_name FROM Student_Enrolment_Courses
SELECT first_name ,  middle_name ,  last_name FROM Transcript_Contents
SELECT T1.student_address ,  T2.student_name FROM Transcript_Contents AS T1 JOIN Student_enrolment_courss AS T2 ON T1.student_course_id  =  T2.student_course_id WHERE T1.student_address  =  T2.student_address
SELECT T1.address_id ,  T2.line_1 ,  T2.line_2 FROM Transcript_Contents AS T1 JOIN Student_Enrolment AS T2 ON T1.student_course_id  =  T2.student_course_id WHERE T1.transcript_id  =  (SELECT max(T1.transcript_id) FROM Transcript_Contents AS T2 JOIN Student_Enrolment_Courses AS T3 ON T2.student_course_id  =  T3.student_course_id WHERE T3.transcript_id  =  T2.transcript_id GROUP BY T1.address_id HAVING COUNT(*)  >  1
SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (SELECT count(*) FROM students WHERE current_address_id  =  (
SELECT T2.student_details FROM Transcript_Contents AS T1 JOIN Student_Enrolment_Courses AS T2 ON T1.transcript_id  =  T2.transcript_id JOIN Student_Enrolment_Courses AS T3 ON T3.student_course_id  =  T2.student_course_id WHERE T3.student_enrolment_id  =  T1.student_enrolment_id
SELECT t1.section_name FROM Transcript_Contents AS t1 JOIN Student_Enrolment_Courses AS t2 ON t1.student_course_id  =  t2.student_course_id WHERE t2.student_id  =  'SECTION 1'
SELECT title FROM Cartoon ORDER BY title ASC
SELECT Title FROM Cartoon WHERE Directed_by  =  "Ben Jones"
SELECT count(*) FROM Cartoon WHERE Directed_by  =  "Joseph Kuhr"
SELECT Title FROM Cartoon ORDER BY Directed_by
SELECT Country ,  count(*) FROM TV_channels GROUP BY Country
SELECT T1.content FROM TV_series AS T1 JOIN TV_channels AS T2 ON T1.id  =  T2.id WHERE T2.country  =  "Italy"
SELECT count(*) FROM TV_Channel WHERE Language  =  "English"
SELECT LANGUAGE ,  count(*) FROM TV_channels GROUP BY LANGUAGE
SELECT LAG(Language) ,  count(*) FROM TV_channels GROUP BY Language
SELECT LANGUAGE ,  COUNT(*) FROM TV_channels
SELECT TV_Channel FROM Cartoon WHERE Title  =  "The Rise of the Blue Beetle!"
SELECT T1.series_name FROM TV_Channel AS T1 JOIN Cartoon AS T2 ON T1.id  =  T2.channel WHERE T2.title  =  "The Rise of the Blue Beetle!"
SELECT DISTINCT Rating FROM TV_series ORDER BY Rating
SELECT min(Share) ,  max(Share) FROM TV_series
SELECT T1.episode FROM TV_series AS T1 JOIN TV_channels AS T2 ON T1.id  =  T2.id WHERE T2.episode  =  "A Love of a Lifetime"
SELECT Episode FROM TV_series WHERE Episode  =  "A Love of a Lifetime"
SELECT Weekly_Rank FROM TV_series WHERE Episode  =  "A Love of a Lifetime"
SELECT episode FROM TV_series WHERE title  =  "Sky Radio"
SELECT DISTINCT Title FROM Cartoon GROUP BY Title
SELECT DISTINCT T1.Title FROM Cartoon AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.id WHERE T2.Directed_by  =  "The Rise of the Blue Beetle!"
SELECT Country FROM TV_channels WHERE Written_by  =  "Todd Casey"
SELECT pixel_aspect_ratio_PAR FROM TV_channels WHERE country != "English"
SELECT DISTINCT channel FROM TV_channels WHERE count(DISTINCT channel)  >  2
SELECT Package_Option FROM TV_Channel WHERE Title != "The Rise of the Blue Beetle!"
SELECT Earnings FROM poker_player ORDER BY Earnings DESC
SELECT Best_Finish FROM poker_player GROUP BY Best_Finish ORDER BY Best_Finish DESC LIMIT 1
SELECT T1.Name FROM poker_player AS T1 JOIN people AS T2 ON T1.People_ID  =  T2.People_ID
SELECT Name FROM poker_player ORDER BY Final_Table_Made DESC
SELECT Birth_Date FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE Earnings  =  (SELECT Earnings FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People
SELECT Birth_Date FROM poker_player WHERE Best_Finish  =  (SELECT Best_Finish FROM people WHERE People_ID  =  (SELECT People_ID FROM poker_player WHERE People_ID  =  (SELECT People_ID FROM people WHERE Nationality  =  'Russian')))
SELECT T1.Height FROM people AS T1 JOIN poker_player AS T2 ON T1.People_ID  =  T2.People_ID GROUP BY T1.People_ID ORDER BY COUNT(*) DESC LIMIT 1
SELECT Name FROM poker_player ORDER BY Earnings DESC
SELECT T2.nationality FROM people AS T1 JOIN people AS T2 ON T1.people_id  =  T2.people_id GROUP BY T1.nationality HAVING COUNT(*)  >=  2
SELECT Name FROM people WHERE Nationality != "Russia"
SELECT Name FROM people WHERE People_ID NOT IN (SELECT People_ID FROM poker_player)
SELECT count(DISTINCT national_name) FROM people
SELECT T1.created FROM VOTES AS T1 JOIN T2 AS T2 ON T1.state  =  T2.state WHERE T1.contestant_number  =  'CA'
SELECT contestant_number ,  contestant_name FROM VOTES WHERE contestant_number  >  2
SELECT count(*) FROM VOTES WHERE contestant_number  =  'NY' OR contestant_number  =  'CA'
SELECT area_code FROM VOTES GROUP BY area_code ORDER BY count(*) DESC LIMIT 1
SELECT T1.continent ,  T2.continent FROM countrylanguage AS T1 JOIN country AS T2 ON T1.countrycode  =  T2.countrycode WHERE T2.language  =  'Anguilla'
SELECT Language FROM countrylanguage WHERE IsOfficial  =  'F' OR Language  =  'English'
SELECT Language FROM countrylanguage WHERE IsOfficial  =  'Aruba'
SELECT Region ,  Population FROM countrylanguage WHERE Language  =  'Angola'
SELECT T1.name FROM countrylanguage AS T1 JOIN country AS T2 ON T1.countrycode  =  T2.countrycode WHERE T2.lifeexpectancy  <  (SELECT min(lifeexpectancy) FROM countrylanguage WHERE countrycode  =  'Asia')
SELECT T1.population ,  max(GNP) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.countrycode  =  T2.countrycode WHERE T2.language  =  'Asia'
SELECT count(*) FROM country WHERE countrycode  =  "Gelderland"
SELECT sum(GNP) ,  sum(T) FROM country WHERE T  =  'US'
SELECT count(DISTINCT Language) FROM countrylanguage
SELECT count(DISTINCT T2.GovernmentForm) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.CountryCode JOIN countrylanguage AS T3 ON T1.Language  =  T3.Language WHERE T3.IsOfficial  =  'F'
SELECT COUNT(*) FROM countrylanguage WHERE IsOfficial  =  'Afganistan/Afqanestan'
SELECT COUNT(*) FROM countrylanguage WHERE IsOfficial  =  'Afghanistan'
SELECT T1.CountryCode ,  T2.Language FROM countrylanguage AS T1 JOIN countrylanguage AS T2 ON T1.CountryCode  =  T2.Code WHERE T1.IsOfficial  =  'F' ORDER BY T2.Percentage DESC LIMIT 1
SELECT count(DISTINCT T2.continent) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.countrycode  =  T2.countrycode WHERE T1.Language  =  'Chinese'
SELECT Language FROM countrylanguage GROUP BY Language ORDER BY COUNT(*) DESC LIMIT 1
SELECT city FROM country WHERE population  =  'English' GROUP BY city ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM countrylanguage WHERE countrycode BETWEEN 1930 AND 1930
SELECT CountryName FROM country WHERE Population  >  (SELECT max(population) FROM country)
SELECT T1.CountryName ,  T2.Population FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.CountryCode GROUP BY T2.CountryName
SELECT DISTINCT T3.CityName FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.CountryCode WHERE T2.Language  !=  'English'
SELECT T1.name ,  T2.language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.countrycode  =  T2.countrycode WHERE T2.language  =  "T" AND T1.language  >  3
SELECT T1.GovernmentForm ,  sum(T2.lifeExpectancy) FROM countrylanguage AS T1 JOIN country as T2 ON T1.countryCode  =  T2.GovernmentCode GROUP BY T1.GovernmentForm ORDER BY sum(T2.lifeExpectancy) DESC LIMIT 1
SELECT T2.GovernmentForm ,  sum(T2.lifeExpectancy) FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.CountryCode GROUP BY T1.GovernmentForm ORDER BY sum(lifeExpectancy) DESC LIMIT 1
SELECT Name ,  Population FROM country WHERE Population  >  5.3
SELECT T2.Name FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.CountryCode GROUP BY T2.CountryCode ORDER BY COUNT(*) DESC LIMIT 3
SELECT count(*) FROM country
SELECT CountryCode ,  Language FROM country WHERE Population  >  1000000
SELECT count(*) FROM conductor
SELECT Name FROM conductor WHERE Nationality NOT IN (SELECT nationality FROM conductor)
SELECT T2.Name FROM conductor AS T1 JOIN orchestra AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID WHERE T1.Nationality  =  "USA"
SELECT count(DISTINCT national_name) FROM conductor
SELECT Name FROM conductor ORDER BY YEAR_OF_WORK DESC LIMIT 1
SELECT Name FROM conductor WHERE Nationality  =  'USA' ORDER BY Name
SELECT Name ,  Name FROM conductor WHERE Conductor_ID  =  "1" INTERSECT SELECT Name ,  Name FROM orchestra WHERE Orchestra_ID  =  "1"
SELECT Name FROM conductor WHERE Name  =  'Antal Doráti' ORDER BY count(*) DESC LIMIT 1
SELECT Name FROM conductor GROUP BY Name ORDER BY count(*) DESC LIMIT 1
SELECT count(DISTINCT orchestra_id) FROM orchestra
SELECT T2.Record_Company ,  count(*) FROM orchestra AS T1 JOIN orchestras AS T2 ON T1.Orgina  =  T2.Orgina GROUP BY T1.Orgina ORDER BY count(*) DESC
SELECT Major_Record_Format FROM orchestra ORDER BY Major_Record_Format
SELECT T2.Orchestra FROM orchestra AS T1 JOIN show AS T2 ON T1.Orgina  =  T2.Orgina WHERE T1.Name  =  "Antal Doráti"
SELECT count(*) FROM orchestra WHERE Record_Company  =  'CD' OR Record_Company  =  'DVD'
SELECT YEAR_OF_FIRST_PRINCIPLE FROM orchestra WHERE Orchestra_ID  =  (SELECT Orchestra_ID FROM show WHERE Festival_Date  =  '2022-01-01' )
SELECT count(*) FROM Highschooler
SELECT name ,  grade FROM Highschooler
SELECT T1.id FROM Highschooler AS T1 JOIN Friend AS T2 ON T1.id  =  T2.student_id WHERE T2.name  =  "Kyle"
SELECT count(*) FROM Highschooler WHERE grade  =  "9" OR grade  =  "10"
SELECT count(*) ,  grade FROM Highschooler GROUP BY grade
SELECT count(*) ,  grade FROM Highschooler GROUP BY grade
SELECT grade FROM Highschooler WHERE grade  >=  4
SELECT T1.student_id ,  count(*) FROM Highschooler AS T1 JOIN Friend AS T2 ON T1.id  =  T2.friend_id GROUP BY T1.student_id
SELECT name ,  count(*) FROM Highschooler GROUP BY name
SELECT name FROM Highschooler WHERE grade  =  3
SELECT name FROM Highschooler WHERE name  =  "Tiffany"
SELECT count(*) FROM friend WHERE friend_id  =  'Kyle'
SELECT T1.student_id FROM Highschooler AS T1 JOIN Friend AS T2 ON T1.id  =  T2.friend_id WHERE T2.liked_id  =  T1.student_id AND T2.grade  =  "Friend"
SELECT count(*) ,  id FROM Friend GROUP BY id
SELECT name ,  count(*) FROM Highschooler GROUP BY name
SELECT name FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked
SELECT name FROM friend WHERE liked_id  =  (SELECT count(*) FROM friend WHERE liked_id  = 2)
SELECT count(*) FROM Friend WHERE friend_id  =  'Kyle'
SELECT avg(grade) FROM Highschooler GROUP BY name ORDER BY count(*) DESC LIMIT 1
SELECT grade FROM Highschooler WHERE student_id NOT IN (SELECT student_id FROM Friend)
SELECT avg(age) FROM dogs WHERE treatment_type_code  =  "treatment_type_code"
SELECT DISTINCT t1.professional_id FROM treatments AS t1 JOIN professionals AS t2 ON t1.professional_id  =  t2.professional_id WHERE t2.state  =  'IN' OR t2.state  =  'IND'
SELECT dog_name FROM Dogs WHERE cost_of_treatment  >  1000
SELECT T2.name FROM treatment_types AS T1 JOIN owners AS T2 ON T1.owner_id  =  T2.owner_id WHERE T1.owner_id  >  1000
SELECT T1.first_name FROM professionals AS T1 JOIN treatment_types AS T2 ON T1.treatment_type_code  =  T2.treatment_type_code WHERE T2.name  =  'Owners' ORDER BY T2.name
SELECT T1.profession ,  T1.name FROM professionals AS T1 JOIN owners AS T2 ON T1.professional_id  =  T2.owner_id WHERE T2.name  =  'Owners' OR T2.name  =  'Dogs'
SELECT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTIN
SELECT DISTINCT professional_id ,  role_code ,  email_address FROM professionals WHERE role_code  =  'PERSON'
SELECT owner_id ,  first_name ,  last_name FROM Owners GROUP BY owner_id ORDER BY count(*) DESC LIMIT 1
SELECT owner_id ,  first_name ,  last_name FROM Owners GROUP BY owner_id ORDER BY count(*) DESC LIMIT 1
SELECT DISTINCT t1.profession_id ,  t1.role_code ,  t1.first_name ,  t1.last_name FROM treatments AS t1 JOIN professionals AS t2 ON t1.professional_id  =  t2.profession_id GROUP BY t1.profession_id HAVING COUNT(*)  >=  2
SELECT T1.first_name ,  T2.first_name FROM treatments AS T1 JOIN professionals AS T2 ON T1.professional_id  =  T2.professional_id WHERE T1.date_of_treatment  =  '2021-01-01'
SELECT T1.first_name ,  T1.last_name ,  T1.size_code ,  T2.name FROM Owners AS T1 JOIN Treatment_Types AS T2 ON T1.owner_id  =  T2.owner_id WHERE T1.size_code  =  "T2.size_code"
SELECT T1.name ,  T2.date_of_birth FROM breeds AS T1 JOIN treatments AS T2 ON T1.breed_code  =  T2.breed_code WHERE T2.treatment_type_code  =  "rare" ORDER BY T1.date_of_treatment DESC LIMIT 1
SELECT owner_id ,  name FROM Dogs WHERE owner_id  =  'Virginia'
SELECT date_arrived ,  date_departed FROM Dogs WHERE dog_id  =  (SELECT dog_id FROM Treatments WHERE treatment_id  =  '1' )
SELECT T1.last_name FROM owners AS T1 JOIN treatment_types AS T2 ON T1.owner_id  =  T2.owner_id WHERE T2.dog_id  =  (SELECT T1.dog_id FROM owners AS T1 JOIN treatment_types AS T2 ON T1.owner_id  =  T2.owner_id WHERE T2.dog_id  =  (SELECT T1.dog_id FROM treatment_types WHERE treatment_type_code  =  'T2' )
SELECT count(*) FROM dogs WHERE treatment_type_code  =  "Treatment_Types"
SELECT count(*) FROM professionals WHERE dog_id  =  '1'
SELECT DISTINCT t1.street ,  t1.city ,  t1.state FROM professionals AS t1 JOIN treatments AS t2 ON t1.professional_id  =  t2.professional_id WHERE t2.city  =  'West'
SELECT count(*) FROM dogs GROUP BY age HAVING avg(age)  <   (SELECT avg(age) FROM dogs)
SELECT count(*) FROM dogs WHERE age  <  (SELECT avg(age) FROM dogs)
SELECT T1.cost_of_treatment FROM treatments AS T1 JOIN treatments AS T2 ON T1.treatment_type_code  =  T2.treatment_type_code WHERE T2.date_of_treatment  =  (SELECT max(T2.date_arrived) FROM treatments AS T1 JOIN treatments AS T2 ON T1.treatment_type_code  =  T2.treatment_type_code WHERE T2.date_of_treatment  =  (SELECT max(T2.date_arrived) FROM treatments AS T1 JOIN treatments AS T2 ON T1.treatment_type_code  =  T2.treatment_type_code WHERE T2.date_of_treatment
SELECT count(*) FROM professionals WHERE dog_id NOT IN (SELECT dog_id FROM treatments)
SELECT count(*) FROM professionals WHERE dog_id NOT IN (SELECT dog_id FROM treatments)
SELECT DISTINCT DISTINCT T3.age FROM dogs AS T1 JOIN treatment_types AS T2 ON T1.dog_id  =  T2.dog_id WHERE T2.dog_id  =  T3.dog_id GROUP BY T2.dog_id ORDER BY count(*) DESC LIMIT 1
SELECT charge_type ,  amount FROM charges AS T1 JOIN charges AS T2 ON T1.charge_type  =  T2.charge_type WHERE T2.charge_amount  =  (SELECT avg(charge_amount) FROM charges WHERE charge_type  =  'cost_of_treatment' )
SELECT DISTINCT email ,  cell_phone ,  home_phone FROM Professionals
SELECT breed_type ,  size_type FROM dogs GROUP BY breed_type ORDER BY count(*) DESC LIMIT 1
SELECT T1.profession_name ,  T1.treatment_type_description FROM treatments AS T1 JOIN professionals AS T2 ON T1.professional_id  =  T2.professional_id WHERE T2.treatment_type_code  =  "Treatment_Type_1"
SELECT count(*) FROM singer
SELECT name FROM singer ORDER BY net_worth_millions DESC
SELECT name FROM singer GROUP BY name ORDER BY net_worth_millions DESC LIMIT 1
SELECT T1.citizenship ,  count(*) FROM singer AS T1 JOIN singer_id AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.citizenship
SELECT T1.Citizenship FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID GROUP BY T1.Singer_ID ORDER BY count(*) DESC LIMIT 1
SELECT T2.name ,  sum(T1.sales) FROM singer AS T1 JOIN song AS T2 ON T1.singer_id  =  T2.singer_id GROUP BY T1.name
SELECT name FROM singer WHERE name NOT IN (SELECT name FROM song)
SELECT T1.name FROM singer AS T1 JOIN song AS T2 ON T1.singer_id  =  T2.singer_id WHERE T2.name  =  'Song'
SELECT T1.feature_type_name FROM REF_Feature_Types AS T1 JOIN REF_Property_Types AS T2 ON T1.feature_type_code  =  T2.feature_type_code WHERE T2.feature_name  =  "AirCon"
SELECT property_type_description FROM REF_Property_Types WHERE property_type_code  =  "Ref_Property_Types"
SELECT property_name FROM Properties WHERE room_count  >  1
