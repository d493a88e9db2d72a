SELECT count(*) FROM singer
SELECT Name ,  Country ,  Age FROM singer ORDER BY Age DESC
SELECT Name ,  Country ,  Age ,  Stadium_ID FROM singer ORDER BY Age DESC
SELECT Country FROM singer WHERE Age  >  20
SELECT Country , COUNT(*) FROM singer GROUP BY Country
SELECT count(*) FROM singer WHERE Country  =  "Netherlands"
SELECT T2.Stadium_ID ,  COUNT(*) FROM stadium AS T1 JOIN stadium_in_concert AS T2 ON T1.Stadium_ID  =  T2.Stadium_ID JOIN stadium AS T3 ON T1.Stadium_ID  =  T3.Stadium_ID
SELECT T1.Year FROM concert AS T1 JOIN singer_in_concert AS T2 ON T1.concert_ID  =  T2.concert_ID JOIN stadium AS T3 ON T1.Stadium_ID  =  T3.Stadium_ID
SELECT T2.Stadium_ID FROM stadium AS T1 JOIN concert AS T2 ON T1.Stadium_ID  =  T2.Stadium_ID JOIN singer_in_concert AS T3 ON T1.Singer_ID  =  T3.Singer_ID
SELECT Country FROM singer WHERE Age  >  40 INTERSECT JOIN singer_in_concert ON singer_ID  =  INNER JOIN stadium ON stadium_ID  =  INNER JOIN stadium_in_stadium ON stadium_ID  =  INNER JOIN singer ON singer_ID  =  INNER JOIN stadium ON stadium_ID  =  INNER JOIN singer_in_stadium ON singer_ID  =  INNER JOIN stadium_in_stadium ON stadium_ID  =  INNER JOIN singer_in_stadium ON singer_ID  =  INNER JOIN stadium_in_stadium ON stadium_ID  =  INNER JOIN singer_in_stadium
SELECT T1.Name FROM stadium AS T1 JOIN concert AS T2 ON T1.Stadium_ID  =  T2.Stadium_ID WHERE T2.Year  =  2014
SELECT T1.Name ,  T1.Theme ,  count(*) ,  avg(T1.Capacity) FROM concert AS T1 JOIN singer_in_concert AS T2 ON T1.Stadium_ID  =  T2.Stadium_ID GROUP BY T1.Stadium_ID HAVING COUNT(*)  =   "SELECT COUNT(*) FROM concert AS T1 JOIN singer_in_concert AS T2 ON T1.Stadium_ID  =  T2.Stadium_ID GROUP BY T1.Stadium_ID HAVING COUNT(*)  =   "SELECT COUNT(*) FROM concert AS T1 JOIN singer_in_concert
SELECT singer_name ,  count(*) ,  "Singer_Name" FROM singer GROUP BY singer_name
SELECT Name ,  Country FROM singer WHERE Song_Name LIKE "%Hey%"
SELECT count(*) FROM stadium WHERE capacity  =  "High" ORDER BY capacity DESC LIMIT 1
SELECT T1.pet_age ,  T1.weight FROM pets AS T1 JOIN Has_Pet AS T2 ON T1.petID  =  T2.petID WHERE T2.petType  =  "dog"
SELECT count(*) FROM pets WHERE age  >  20
SELECT major ,  age FROM Student WHERE Has_Pet NOT IN (SELECT Has_Pet FROM Pets WHERE pet_age  =  'No' )
SELECT Major FROM Student WHERE Has_Pet NOT IN (SELECT Has_Pet FROM Pets WHERE PetType NOT IN (SELECT PetType FROM Students WHERE Has_Pet))
SELECT StuID FROM Pets WHERE PetType NOT IN (SELECT PetType FROM Students WHERE StuID NOT in (SELECT StuID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT HasPetID FROM Has_Pet WHERE HasPetID NOT IN (SELECT
SELECT pet_age ,  weight FROM pets ORDER BY pet_age DESC LIMIT 1
SELECT PetID ,  weight FROM Has_Pet WHERE PetAge  >  1
SELECT avg(age) , avg(pet_age) , max(pet_age) FROM Pets AS T1 JOIN Has_Pet AS T2 ON T1.PetID  =  T2.PetID
SELECT pet_weight , pet_type , pet_age FROM Pets GROUP BY pet_type HAVING COUNT(*)  =  1
SELECT pet_id FROM pets WHERE Lname  =  'Smith' INTERSECT SELECT pet_id FROM pets WHERE Lname  =  'Smith'
SELECT pet_id FROM Has_Pet WHERE StuID  =  'Smith'
SELECT count(*) ,  StuID FROM Pets AS T1 JOIN Student AS T2 ON T1.StuID  =  T2.StuID WHERE T2.PetType  =  'pet' AND T1.HasPet  =  'yes'
SELECT T1.stuID ,  T1.stuID FROM pets AS T1 JOIN students AS T2 ON T1.stuID  =  T2.stuID WHERE T2.petType  =  "cat" ORDER BY petAge DESC LIMIT 1
SELECT count(*) FROM countries
SELECT T1.MakeId ,  T2.MakeName FROM cars AS T1 JOIN cars_data AS T2 ON T1.Id  =  T2.Id
SELECT DISTINCT T1.Model FROM cars_data AS T1 JOIN cars_data AS T2 ON T1.Id  =  T2.Model WHERE T2.Year  =  1980
SELECT count(*) ,  "Continent" FROM continents GROUP BY continent ORDER BY count(*) DESC LIMIT 1
SELECT Continent ,  COUNT(*) ,  MENU_ID FROM continents AS T1 JOIN car_makers AS T2 ON T1.Continent  =  T2.Continent ORDER BY Continent ,  MENU_ID DESC LIMIT 1
SELECT CountryName FROM CAR_MAKERS ORDER BY CountryName DESC LIMIT 1
SELECT count(*) ,  "Maker" ,  "FullName" FROM car_models AS T1 JOIN car_models AS T2 ON T1.Id  =  T2.Id JOIN car_models AS T3 ON T1.Id  =  T3.Id JOIN car_models AS T4 ON T1.Id  =  T4.Id JOIN car_models AS T5 ON T1.Id  =  T5.Id WHERE T1.FullName  =  "Amc" AND T2.FullName  =  "Amc"
SELECT count(*) FROM cars WHERE country  =  "USA"
SELECT count(*) FROM cars WHERE CountryId  =  "USA"
SELECT CountryName ,  DISTINCT CountryId FROM cars_data WHERE MakeId  =  "Chevrolet"
SELECT count(*) FROM cars_data WHERE horsepower  >  150
SELECT CountryId FROM car_manufacturers JOIN continents ON continents.CountryId = Cars.CountryId WHERE Cars.MakeId IN (SELECT Cars.MakeId FROM car_manufacturers AS Cars JOIN continents ON Cars.CountryId = Cars.CountryId WHERE Cars.MakeId IN (SELECT Cars.MakeId FROM car_manufacturers AS Cars JOIN continents ON Cars.CountryId = Cars.CountryId WHERE Cars.MakeId IN (SELECT Cars.MakeId FROM car_manufacturers AS Cars JOIN continents ON Cars.CountryId = Cars.CountryId WHERE Cars.MakeId IN (SELECT Cars.MakeId FROM car_manufacturers AS Cars JOIN continents ON Cars.CountryId = Cars.CountryId WHERE Cars.MakeId IN (SELECT Cars.Make
SELECT Name FROM cars_data WHERE Make  =  "Europe" AND Model  =  "Amc"
SELECT avg(Horsepower) FROM cars_data WHERE Year  > 1980
SELECT max(Accelerate) FROM cars_data WHERE Cylinders  =  "1"
SELECT max(Accelerate) FROM cars_data WHERE Cylinders  =  "18"
SELECT Model FROM cars_data GROUP BY Model HAVING COUNT(*)  >   "1"
SELECT Model FROM cars_data GROUP BY Model HAVING COUNT(*)  >  1
SELECT count(*) FROM cars_data WHERE cyl = 4 OR horsepower  >  4
SELECT count(*) FROM car_makers AS T1 JOIN car_models AS T2 ON T1.Id  =  T2.Id
SELECT DISTINCT T1.MakeId ,  T1.Model ,  T1.Model ,  T2.MakeId ,  T2.Model ,  T3.Model ,  T4.Model ,  T5.ModelId FROM cars_data AS T1 JOIN cars_data AS T2 ON T1.Id  =  T2.Id JOIN car_makers AS T3 ON T1.Id  =  T3.Id WHERE T3.Weight  >  3500
SELECT YEAR ,  COUNT(*) ,  YEAR FROM cars_data WHERE Weight  >  4000 AND Weight  >  3000
SELECT count(*) FROM cars_data WHERE EngineType  =  "Accelerate" OR EngineType  =  "Large Accelerate" OR EngineType  =  "Large Accelerate" EXCEPT SELECT count(*) FROM cars_data WHERE EngineType  =  "Large Accelerate" OR EngineType  =  "Accelerate"
SELECT count(*) FROM cars_data WHERE cylocards  >  6
SELECT count(*) FROM cars_data WHERE cylocards  =  "6"
SELECT Model FROM cars_data WHERE Cylinders  =   "4" OR EngineType  =   "4"
SELECT makeid ,  Name ,  min(horsepower) FROM cars_data WHERE horsepower  <  4
SELECT DISTINCT T1.Model FROM cars_data AS T1 JOIN cars_data AS T2 ON T1.Id  =  T2.Id WHERE T2.Weight  >  3500 AND T1.Model  =  "Ford Motor Company"
SELECT DISTINCT CountryId ,  MENU_NAME FROM CAR_MAKERS WHERE MENU_NAME LIKE "%fiat%" ORDER BY MENU_NAME DESC LIMIT 3
SELECT airline ,  abbreviation FROM airlines WHERE country  =  'USA'
SELECT AirportCode ,  AirportName FROM airports AS T1 JOIN airports AS T2 ON T1.AirportCode  =  T2.AirportCode JOIN airports AS T3 ON T1.AirportCode  =  T3.AirportCode WHERE AirportName  =  "Anthony"
SELECT AirportCode , AirportName FROM airports AS T1 JOIN airports AS T2 ON T1.AirportCode  =  T2.AirportCode WHERE AirportName  =  "Athloney"
SELECT count(*) FROM flights
SELECT airline FROM airlines WHERE abbreviation = 'UAL'
SELECT airline FROM airlines WHERE abbreviation = 'UAL'
SELECT City ,  Country FROM airports WHERE AirportCode  =  "Atonal"
SELECT count(*) FROM flights WHERE City = "Abeland"
SELECT count(*) FROM flights WHERE AirportCode = "Abdeen"
SELECT count(*) FROM jetblue AS T1 JOIN flights AS T2 ON T1.airline  =  T2.airline WHERE T2.airportCode  =  "jetblue"
SELECT count(*) FROM flights WHERE AirportName = "AHD" AND SourceAirport = "AHD"
SELECT count(*) FROM airlines WHERE airline  =  "United Airlines"
SELECT AirportCode FROM airports ORDER BY SourceAirport ASC LIMIT 1
SELECT airline FROM airlines ORDER BY count(*) DESC LIMIT 1
SELECT Airline FROM airlines WHERE AirportName LIKE "%AHD%"
SELECT Airline FROM airlines WHERE AirportCode = 'APG' INTERSECT JOIN airlines ON AirportCode = 'CVO' ON AirportCode = 'APG' INTERSECT JOIN airports ON AirportCode = 'CVO' ON AirportCode = 'APG' INTERSECT JOIN flights ON FlightCode = 'CVO' ON AirportCode = 'APG' INTERSECT JOIN flights ON FlightCode = 'APG' ON AirportCode = 'CVO' INTERSECT JOIN flights ON FlightCode = 'CVO' ON AirportCode = 'APG' INTERSECT JOIN flights ON FlightCode = 'CVO' ON AirportCode = 'APG' INTERSECT JOIN flights ON FlightCode = 'CVO' ON
SELECT DISTINCT Airline FROM airlines WHERE SourceAirport = "APG" AND DestAirport = "CVO"
SELECT airline FROM airlines WHERE airline  =  'CVO' INTERSECT JOIN airlines ON airlines.airportCode  =  'CVO' INTERSECT JOIN airlines ON airlines.airportCode  =  'APG' INTERSECT JOIN airlines ON airlines.airportCode  =  'APG' INTERSECT JOIN airlines ON airlines.airportCode  =  'APG' INTERSECT JOIN airlines ON airlines.airportCode  =  'CVO' INTERSECT JOIN airlines ON airlines.airportCode  =  'CVO' INTERSECT JOIN airlines ON airlines.airportCode  =  'APG' INTERSECT JOIN airlines ON airlines.airportCode  =
SELECT Airline FROM airlines WHERE FLOWS(Airline)  >  10
SELECT flightno FROM flights AS T1 JOIN airlines AS T2 ON T1.airportcode = T2.airportcode WHERE airline = "United Airlines"
SELECT flightno FROM flights WHERE AirportCode = "APG"
SELECT FlightNo FROM flights WHERE City = "Aberdeen"
SELECT count(*) FROM employee
SELECT Name FROM employee ORDER BY Age ASC
SELECT count(*) ,  name FROM employee GROUP BY city HAVING count(*)  =  "SELECT count(*) FROM employee"
SELECT count(*) FROM employee WHERE city  =  'Bristol' OR city  =  'Bristol'
SELECT manager_name ,  DISTINCT T2.District FROM employee AS T1 JOIN hiring AS T2 ON T1.Employee_ID  =  T2.Employee_ID JOIN shop AS T3 ON T1.Shop_ID  =  T3.Employee_ID WHERE T1.Employee_ID  =  T2.Employee_ID GROUP BY T1.Employee_ID HAVING max(T1.Number_products)  >   "T2"
SELECT Name FROM store WHERE Number_products  >  (SELECT avg(number_products) FROM employee)
SELECT Employee_ID FROM evaluation ORDER BY Bonus DESC LIMIT 1
SELECT Name FROM employee WHERE Employee_ID NOT IN (SELECT Employee_ID FROM evaluation)
SELECT T2.Bonus FROM evaluation AS T1 JOIN evaluation AS T2 ON T1.Employee_ID = T2.Employee_ID GROUP BY T1.Employee_ID HAVING COUNT(*)  >=   "Total bonus"
SELECT count(*) FROM employee WHERE Location  =  "Hiring"
SELECT count(*) FROM documents
SELECT Document_ID , Document_Name , Document_Description FROM Documents
SELECT count(DISTINCT template_id) FROM Ref_Template_Types
SELECT count(*) FROM documents WHERE template_type_code  =  'PPT'
SELECT template_id ,  template_type_code FROM documents ORDER BY template_id DESC LIMIT 1
SELECT Template_ID ,  "Template_Type_Code" ,  "Template_Type_Description" FROM Ref_Template_Types GROUP BY Template_ID HAVING COUNT(*)  >   " + max(Template_ID)
SELECT DISTINCT template_id FROM Ref_Template_Types GROUP BY template_id HAVING count(*)  >  1
SELECT Template_ID FROM Ref_Template_Types WHERE Template_Type_Code NOT IN (SELECT Template_Type_Code FROM Ref_templates WHERE Template_ID NOT IN (SELECT Template_ID FROM Ref_templates WHERE Template_Type_Code NOT IN (SELECT Template_Type_Code FROM Ref_templates WHERE Template_ID NOT IN (SELECT Template_ID FROM Ref_templates WHERE Template_Type_Code NOT IN (SELECT Template_Type_Code FROM Ref_templates WHERE Template_ID NOT IN (SELECT Template_ID FROM Ref_templates WHERE Template_Type_Code NOT IN (SELECT Template_Type_Code FROM Ref_templates WHERE Template_ID NOT IN (SELECT Template_ID FROM Ref_templates WHERE Template_Type_Code NOT IN (SELECT Template_Type_
SELECT Template_ID ,  Version_Number ,  template_type_code FROM Ref_Template_Types GROUP BY Template_ID HAVING COUNT(*)  =  1
SELECT Template_ID ,  Version_Number ,  Template_Type_Code ,  template_type_description FROM Ref_Template_Types GROUP BY Template_Type_Code HAVING COUNT(*)  =  1
SELECT count(*) FROM Ref_Template_Types WHERE Template_Type_Code  =  "CV"
SELECT T2.Template_Type_Code FROM Ref_Template_Types AS T1 JOIN Ref_Template_Types AS T2 ON T1.Template_Type_Code  =  T2.Template_Type_Code GROUP BY T1.Template_Type_Code HAVING COUNT(*)  >  1
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_code  =  "Data base"
SELECT Template_Type_Code ,  count(*) FROM Ref_Template_Types GROUP BY Template_Type_Code HAVING count(*)  >  1
SELECT T2.Template_Type_Code FROM Ref_Template_Types AS T1 JOIN Templates AS T2 ON T1.Template_Type_Code  =  T2.Template_Type_Code ORDER BY T1.Template_Type_Code DESC LIMIT 1
SELECT template_type_code FROM ref_template_types WHERE template_type_code  =  "AD"
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_description LIKE "%book%"
SELECT count(*) FROM Paragraphs
SELECT count(*) FROM Paragraphs WHERE Document_Name  =  'Summer Show'
SELECT Document_ID ,  Document_Text FROM Paragraphs WHERE Document_Name  =  'Welcome to NY'
SELECT Document_ID ,  Document_Text FROM Paragraphs AS T1 JOIN Documents AS T2 ON T1.Document_ID  =  T2.Document_ID WHERE T1.Document_Name  =  'Welcome to NY'
SELECT Document_ID ,  Document_Text FROM Paragraphs WHERE Document_Name  =  'Customer Reviews'
SELECT Document_ID FROM Documents WHERE Document_ID IN (SELECT Document_ID FROM Paragraphs WHERE Other_Details  =  '2' OR Other_Details  =  '2' )
SELECT Document_ID FROM Paragraphs WHERE Document_ID IN (SELECT Document_ID FROM Paragraphs WHERE Paragraph_Text  = "1 to 2")
SELECT Document_ID FROM Documents WHERE Document_ID IN (SELECT Document_ID FROM Paragraphs WHERE Paragraph_Text LIKE "%2%" )
SELECT Document_ID FROM Paragraphs WHERE Document_Text  = 'Brazil' AND Document_Name  = 'Ireland'
SELECT Document_ID FROM Documents WHERE Document_Name LIKE "%Brazil%" INTERSECT SELECT Document_ID FROM Paragraphs WHERE Document_Text LIKE "%Brazil%" INTERSECT SELECT Document_ID FROM Paragraphs WHERE Document_Text LIKE "%Ireland%" INTERSECT SELECT Document_ID FROM Paragraphs WHERE Document_Text LIKE "%Ireland%"
SELECT T1.Name ,  T1.Hometown FROM teacher AS T1 JOIN course AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID WHERE T2.Name  =  "Joseph Huts"
SELECT T1.Name FROM teacher AS T1 JOIN teacher_hometown AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID JOIN course_arrange AS T3 ON T1.Course_ID  =  T3.Course_ID WHERE T3.Hometown  =  "Little Lever Urban District"
SELECT T1.Name FROM teacher AS T1 JOIN teacher AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID WHERE T2.Hometown  =  "Little Lever Urban District"
SELECT T1.Teacher_ID FROM teacher AS T1 JOIN course AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID WHERE T2.Age  =  "Youngest"
SELECT Name ,  Name ,  "Teaching" FROM teacher AS T1 JOIN teacher_arrange AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID
SELECT T2.Name FROM teacher AS T1 JOIN course AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID JOIN course_arrange AS T3 ON T1.Course_ID  =  T3.Course_ID
SELECT T2.Name FROM teacher AS T1 JOIN course_arrange AS T2 ON T1.Teacher_ID  =  T2.Teacher_ID JOIN course AS T3 ON T1.Course_ID  =  T3.Course_ID
SELECT T1.Name FROM visit AS T1 JOIN museum AS T2 ON T1.Museum_ID  =  T2.Museum_ID JOIN visit AS T3 ON T2.visitor_ID  =  T3.ID JOIN visit AS T4 ON T3.visitor_ID  =  T4.ID JOIN visit AS T5 ON T5.visitor_ID  =  T4.ID JOIN visit AS T6 ON T6.visitor_ID  =  T5.ID JOIN visit AS T7 ON T7.visitor_ID  =  T6.ID JOIN visit AS T8 ON T8.visitor_ID  =  T7.ID
SELECT T2.ID , T1.Name FROM visit AS T1 JOIN museum AS T2 ON T1.Museum_ID  =  T2.Museum_ID GROUP BY T1.ID HAVING COUNT(*)  >   "The most staff members are: " , T2.Name
SELECT open_year ,  Num_of_Staff FROM museum WHERE name  =  "Plaza Museum"
SELECT T2.ID , T1.Name ,  T1.Level_of_membership ,  T2.Num_of_Ticket FROM visit AS T1 JOIN visit AS T2 ON T1.ID  =  T2.ID JOIN museum AS T2 ON T1.Museum_ID  =  T2.Museum_ID
SELECT avg(injury_rate) ,  id FROM death GROUP BY id HAVING avg(injury_rate)  =  "1"
SELECT T2.id ,  T2.name ,  T2.date ,  T2.bulgarian_commander ,  T2.latin_commander ,  T2.result FROM battle AS T1 JOIN ship AS T2 ON T1.id  =  T2.id JOIN battle AS T3 ON T1.id  =  T3.id WHERE T3.bulgarian_commander  =  'Brig'
SELECT ship_id , ship_name , "Total injuries" FROM ship ORDER BY total injuries DESC LIMIT 1
SELECT name ,  result ,  bulgarian_commander FROM battle WHERE lost_in_battle =  'English Channel'
SELECT math_course_name FROM math_courses WHERE math_course_id  =  "Math"
SELECT T2.transcript_id ,  T2.transcript_name FROM Transcripts AS T1 JOIN Transcripts AS T2 ON T1.student_enrolment_id = T2.student_enrolment_id JOIN Courses AS T3 ON T1.student_course_id = T3.student_course_id
SELECT department_name ,  department_id FROM Degree_Programs ORDER BY department_id DESC LIMIT 1
SELECT department_name ,  department_id FROM degrees ORDER BY department_id DESC LIMIT max(department_id)
SELECT count(DISTINCT T2.department_id) FROM courses AS T1 JOIN courses AS T2 ON T1.course_id  =  T2.course_id JOIN departments AS T3 ON T1.department_id  =  T3.department_id
SELECT count(*) FROM Engineering WHERE department_name  = "Engineering"
SELECT T1.name , T1.description FROM Sections AS T1 JOIN Sections AS T2 ON T1.section_id  =  T2.section_id
SELECT T1.department_name FROM sections AS T1 JOIN sections AS T2 ON T1.department_id = T2.department_id ORDER BY T2.department_name ASC
SELECT semester_id ,  "name" ,  "id" FROM Transcript_Contents GROUP BY semester_id HAVING count(*)  >  1
SELECT department_name FROM courses AS T1 JOIN courses AS T2 ON T1.course_id = T2.course_id WHERE T1.course_name LIKE "%%computer%"
SELECT program_id ,  "Degree_Program_Name" ,  "summarize_details" FROM Degree_Programs JOIN Transcript_Contents ON Degree_Programs.degree_program_id  =  Transcript_Contents.student_enrolment_id GROUP BY program_id HAVING COUNT(*)  >   "max"
SELECT student_enrolment_id ,  "First Name" ,  "Last Name" ,  "Last Name" ,  "Date of Enrollment" ,  "Student ID" FROM Transcript_Contents GROUP BY student_enrolment_id HAVING COUNT(*)  >   " ,  "First Name" ,  "Last Name" ,  "Last Name" ,  "Date of Enrollment" ,  "Student ID" ,  "Student Enrolment_Date"
SELECT semester_name FROM Students WHERE semester_id NOT IN (SELECT semester_id FROM Semesters)
SELECT course_name FROM courses WHERE student_enrolment_id IN (SELECT student_enrolment_id FROM Transcript_Contents WHERE transcript_id =  '96')
SELECT course_id FROM Transcript_Contents GROUP BY course_id HAVING COUNT(*)  >   "Most number of enrollments"
SELECT course_name FROM Transcript_Contents GROUP BY course_id HAVING count(*)  >  1
SELECT T1.student_name FROM Transcripts AS T1 JOIN Transcripts AS T2 ON T1.student_course_id  =  T2.student_course_id JOIN Degree_Programs AS T3 ON T2.degree_program_id  =  T3.degree_program_id WHERE T3.student_enrolment_id  =  T1.student_enrolment_id ORDER BY T1.student_enrolment_date DESC LIMIT 1
SELECT T2.transcript_id ,  T2.transcript_date FROM Transcripts AS T1 JOIN Transcripts AS T2 ON T1.transcript_id  =  T2.transcript_id JOIN Student_Enrolment_Courses AS T3 ON T1.student_course_id  =  T3.student_course_id WHERE T3.transcript_id  =  T2.transcript_id JOIN Student_Enrolment_Courses AS T4 ON T1.student_course_id  =  T4.student_course_id
SELECT first_name ,  "First Name" ,  "Last Name" ,  "First Name" ,  "Last Name" FROM Students JOIN Transcripts ON Students.student_enrolment_id = Transcripts.student_enrolment_id JOIN Transcripts ON Transcripts.student_course_id = Transcripts.student_course_id WHERE Transcripts.transcript_id =  "1988-04-30"
SELECT first_name ,  middle_name ,  last_name FROM students WHERE student_enrolment_id =  "1"
SELECT first_name ,  middle_name ,  last_name ,  last_name FROM Graduates WHERE first_name  =  'A' ORDER BY last_name ASC LIMIT 1
SELECT T1.permanent_address_id ,  T1.first_name ,  T1.last_name FROM permanent_address AS T1 JOIN permanent_address_details AS T2 ON T1.permanent_address_id  =  T2.permanent_address_id JOIN permanent_address_details AS T3 ON T1.permanent_address_id  =  T3.permanent_address_id JOIN student_enrolment_details AS T4 ON T1.student_enrolment_id  =  T4.student_enrolment_id WHERE T4.student_enrolment_id  =  T3.student_enrolment_id
SELECT T1.address_id ,  T1.line_1 ,  T1.line_2 FROM Addresses AS T1 JOIN Transcripts AS T2 ON T1.address_id  =  T2.address_id JOIN Transcripts AS T3 ON T2.transcript_id  =  T3.transcript_id JOIN Students AS T4 ON T4.student_id  =  T3.student_id WHERE T4.student_enrolment_id  =  T1.student_enrolment_id GROUP BY T1.address_id HAVING COUNT(*)  >   (SELECT max(T1.line_1) FROM Addresses AS T1 JO
SELECT count(*) FROM students WHERE current_address_id  =  '96'
SELECT student_details FROM Student_Enrolment_Courses ORDER BY student_details ASC
SELECT T2.section_name FROM Sections AS T1 JOIN Students AS T2 ON T1.student_id = T2.student_id WHERE T1.department_name = "Section" AND T1.current_address_id =  T2.current_address_id
SELECT T1.Title FROM Cartoon AS T1 JOIN TV_series AS T2 ON T1.Title  =  T2.Title ORDER BY T2.Title ASC
SELECT T2.Title FROM Cartoon AS T1 JOIN Cartoon AS T2 ON T1.Title  =  T2.Directed_by JOIN T3 ON T1.Channel  =  T2.Channel WHERE T1.Directed_by  =  "Ben Jones"
SELECT Production_code FROM Cartoon JOIN TV_series ON TV_series.Title  =  "Joseph Kuhr"
SELECT Title FROM Cartoon ORDER BY Directed_by ASC LIMIT 1
SELECT Country ,  count(*)  FROM TV_channels GROUP BY Country HAVING COUNT(*)  >  1
SELECT T1.content FROM TV_series AS T1 JOIN TV_channel AS T2 ON T1.id  =  T2.id JOIN TV_channel AS T3 ON T2.channel  =  T3.id WHERE T3.country  =  "Italy"
SELECT count(*) FROM TV_channel WHERE language  =  "English"
SELECT LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,  LOCATION ,
SELECT LAG(LEN(TV_channels)) ,  LAG(LEN(TV_channels)) ,  TV_channels.language FROM TV_channels JOIN TV_channels AS T1 ON T1.id  =  T2.id GROUP BY T1.id HAVING COUNT(*)  <   LAG(LEN(T2.channels))
SELECT LANGUAGE ,  COUNT(*) FROM TV_channels WHERE LANGUAGE  =  "English"
SELECT TV_Channel FROM TV_Channel WHERE Title  = "The Rise of the Blue Beetle!"
SELECT T1.series_name FROM TV_channel AS T1 JOIN TV_series AS T2 ON T1.id  =  T2.id WHERE T2.title  =  "The Rise of the Blue Beetle"
SELECT episode FROM TV_series ORDER BY Rating DESC
SELECT min(Share) ,  min(Share) ,  max(Share) ,  max(Share) FROM TV_series
SELECT T1.Episode FROM TV_series AS T1 JOIN TV_channel AS T2 ON T1.id  =  T2.id JOIN TV_channel AS T3 ON T2.Channel  =  T3.id WHERE T2.Episode  =  "A Love of a Lifetime"
SELECT Episode FROM TV_series WHERE Episode LIKE "%A%%"
SELECT Weekly_Rank FROM TV_series WHERE Episode  = "A Love of a Lifetime"
SELECT episode FROM TV_series WHERE title  =  "Sky Radio"
SELECT DISTINCT directed_by FROM cartoon GROUP BY directed_by HAVING COUNT(*)  =  "1"
SELECT DISTINCT T2.Directed_by FROM Cartoon AS T1 JOIN TV_channel AS T2 ON T1.Channel  =  T2.Channel WHERE T1.Title  =  "The Rise of the Blue Beetle!"
SELECT T2.Channel FROM TV_channels AS T1 JOIN TV_channels AS T2 ON T1.Channel  =  T2.Channel JOIN TV_channels AS T3 ON T1.Channel  =  T3.Channel WHERE T3.Directed_by  =  "Todd Casey"
SELECT pixel_aspect_ratio_PAR FROM TV_channels WHERE TV_channels_name NOT IN (SELECT TV_channels_name FROM TV_channels WHERE TV_channels_language = "English")
SELECT DISTINCT channel FROM TV_channels WHERE count(channel) > 2
SELECT Package_Option FROM TV_channel WHERE Title NOT IN (SELECT Title FROM TV_channel WHERE Directed_by  =  'Ben Jones')
SELECT Earnings FROM poker_player ORDER BY Earnings DESC
SELECT Best_Finish FROM poker_player GROUP BY Best_Finish HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max(Best_Finish) HAVING max
SELECT Name FROM poker_player
SELECT Name FROM poker_player ORDER BY Final_Table_Made DESC
SELECT Birth_Date FROM poker_player WHERE Best_Finish  =  "Lowest Earnings"
SELECT Birth_Date FROM poker_player ORDER BY Best_Finish DESC LIMIT 1
SELECT T2.Money_Rank FROM poker_player AS T1 JOIN people AS T2 ON T1.People_ID  =  T2.People_ID WHERE T1.People_ID  =  T2.People_ID GROUP BY T1.People_ID HAVING COUNT(*)  =  1
SELECT Name FROM poker_player ORDER BY Earnings DESC
SELECT nationalities FROM people GROUP BY nationalities HAVING COUNT(*)  =  2
SELECT Name FROM people WHERE Nationality != "Russia"
SELECT Name FROM people WHERE People_ID NOT IN (SELECT People_ID FROM poker_player WHERE Best_Finish  =  'Poker_Player_ID' )
SELECT count(DISTINCT T1.nationality) FROM people AS T1 JOIN people AS T2 ON T1.people_id  =  T2.people_id GROUP BY T1.nationality HAVING COUNT(*)  >  1
SELECT T2.created FROM VOTES AS T1 JOIN contestanTS AS T2 ON T1.contestant_number  =  T2.contestant_number JOIN area_code_state AS T3 ON T1.state  =  T3.state WHERE T3.state  =  'CA'
SELECT contestant_number ,  CONTRACTANT_NAME FROM VOTES AS T1 JOIN contestants AS T2 ON T1.contestant_number  =  T2.contestant_number JOIN contestants AS T3 ON T1.contestant_number  =  T3.contestant_number JOIN contestants AS T4 ON T1.contestant_number  =  T4.contestant_number JOIN contestants AS T5 ON T2.contestant_number  =  T5.contestant_number JOIN contestants AS T6 ON T3.contestant_number  =  T6.contestant_number JOIN contestants AS T
SELECT count(*) FROM VOTES WHERE contestant_number  =  'NY' OR contestant_number  =  'CA'
SELECT area_code FROM VOTES GROUP BY area_code HAVING COUNT(*)  >   (SELECT max(area_code) FROM VOTES)
SELECT Continent FROM country WHERE Continent  =  'Anguilla'
SELECT Language FROM countrylanguage WHERE IsOfficial  =  'Aruba' ORDER BY Percentage DESC LIMIT 1
SELECT Language FROM countrylanguage WHERE IsOfficial  =  'Aruba'
SELECT Region ,  Population FROM Angola
SELECT T2.name FROM country AS T1 JOIN countrylanguage AS T2 ON T1.code = T1.code JOIN country AS T3 ON T1.code = T3.code WHERE T3.lifeexpancy  <  "Asia"
SELECT Population ,  max(GNP) FROM country
SELECT count(*) FROM country WHERE countrycode = "Gelderland"
SELECT avg(GNP) ,  COUNT(*) ,  "UST" ,  "TotalPopulation" FROM country WHERE is_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos_tacos
SELECT count(*) FROM countrylanguage
SELECT T2.GovernmentForm FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode = T2.CountryCode JOIN country AS T3 ON T1.CountryCode = T3.CountryCode
SELECT COUNT(*) FROM countrylanguage
SELECT COUNT(*) FROM countrylanguage WHERE IsOfficial  =  'Afghanistan'
SELECT T1.CountryCode ,  T2.Language FROM countrylanguage AS T1 JOIN countrylanguage AS T2 ON T1.CountryCode  =  T2.Code
SELECT count(*) FROM country WHERE Name LIKE "%Chinese%"
SELECT Language FROM countrylanguage GROUP BY Language HAVING COUNT(*)  >   "Asian nations"
SELECT city FROM countrylanguage WHERE Language  =  "English" OR Population  >   (SELECT max(Population) FROM countrylanguage WHERE IsOfficial  =  "English")
SELECT COUNT(*) FROM countrylanguage WHERE IsOfficial BETWEEN 1930 AND 1940
SELECT CountryName FROM country WHERE SurfaceArea  >  (SELECT max(SurfaceArea) FROM country)
SELECT T2.Population FROM country AS T1 JOIN country AS T2 ON T1.CountryCode = T2.Code WHERE T1.Population  <  "Asia"
SELECT DISTINCT T2.name FROM countrylanguage AS T1 JOIN country AS T2 ON T1.countrycode = T2.countrycode JOIN city AS T3 ON T1.name = T3.name WHERE T1.language NOT IN (SELECT language FROM countrylanguage WHERE English NOT IN (SELECT language FROM countrylanguage WHERE IsOfficial = 'F' OR IsOfficial = 'T' OR IsOfficial = 'Papiamento')))
SELECT T2.Name ,  COUNT(*) ,  T2.Language FROM country AS T1 JOIN countrylanguage AS T2 ON T1.CountryCode  =  T2.CountryCode JOIN T1 ON T1.Language  =  T2.Language
SELECT T2.GovernmentForm ,  avg(GNP) ,  T1.IsOfficial FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.Language WHERE T1.AverageLifeExponential  >  72
SELECT T2.GovernmentForm ,  avg(GNP) ,  T1.Population FROM countrylanguage AS T1 JOIN country AS T2 ON T1.CountryCode  =  T2.Code GROUP BY T1.GovernmentForm ,  avg(GNP) ,  T2.Population HAVING avg(GNP)  >  72
SELECT Name ,  Population FROM country WHERE Population  >  5.0
SELECT T2.Name FROM country AS T1 JOIN countrylanguage AS T2 ON T1.CountryCode = T2.Code JOIN country AS T3 ON T1.CountryCode = T3.Code
SELECT count(*) FROM country
SELECT CountryCode ,  "CountryLanguage" ,  "IsOfficial" ,  "Percentage" FROM countrylanguage GROUP BY CountryLanguage HAVING COUNT(*)  >   "F"
SELECT count(*) FROM conductor
SELECT Name FROM conductor WHERE Nationality NOT IN (SELECT nationality FROM conductor WHERE nationality != "USA")
SELECT T2.Name FROM conductor AS T1 JOIN conductor AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID WHERE T1.Nationality  =  "USA"
SELECT count(*) FROM conductor ORDER BY Nationality ASC LIMIT 1
SELECT Name FROM conductor ORDER BY YEAR_OF_WORK DESC LIMIT max(YEAR_OF_WORK)
SELECT Name ,  Name FROM conductor AS T1 JOIN orchestra AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID JOIN orchestras AS T3 ON T1.Conductor_ID  =  T3.Conductor_ID
SELECT Name ,  Name ,  Nationality FROM conductor WHERE Name  =  "Antal Doráti" AND Nationality  =  "USA"
SELECT T1.Name FROM conductor AS T1 JOIN orchestra AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID JOIN orchestras AS T3 ON T2.Performance_ID  =  T3.Performance_ID
SELECT T1.Name FROM conductor AS T1 JOIN orchestra AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID GROUP BY T2.Conductor_ID HAVING COUNT(*)  >   (SELECT max(T2.NumberOfOrganizations) FROM conductor AS T1 JOIN orchestra AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID)
SELECT count(*) FROM orchestraillery
SELECT Record_Company FROM orchestra ORDER BY Record_Company ASC
SELECT Major_Record_Format FROM orchestras ORDER BY Major_Record_Format DESC
SELECT Orchestra_ID FROM orchestra WHERE Not In (SELECT Orchestra_ID FROM performance)
SELECT count(*) FROM orchestra AS T1 JOIN conductor AS T2 ON T1.Conductor_ID  =  T2.Conductor_ID WHERE T2.Record_Company  =  "CD" OR T2.Record_Company  =  "DVD"
SELECT YEAR FROM orchestrauration WHERE Orchestra_ID  =  "F" OR Orchestra_ID  =  "T"
SELECT count(*) FROM Highschooler
SELECT name ,  grade FROM Highschooler
SELECT T2.ID FROM Highschooler AS T1 JOIN Friend AS T2 ON T1.ID  =  T2.student_id JOIN Likes AS T3 ON T1.liked_id  =  T3.liked_id
SELECT count(*) FROM Highschooler WHERE grade  =  "9" ORDER BY grade DESC LIMIT 1
SELECT count(*) ,  grade FROM highschoolERERS GROUP BY grade HAVING COUNT(*)  =   "9"
SELECT count(*) ,  grade FROM HighschoolERERS WHERE grade  =  "High Schooler"
SELECT grade FROM Highschooler WHERE grade IN (SELECT grade FROM Friend WHERE friend_id IN (SELECT friend_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (
SELECT student_id ,  count(*) FROM Highschooler GROUP BY student_id HAVING sum(liked_id)  =  "1"
SELECT name ,  COUNT(*) FROM Highschooler GROUP BY name ,  COUNT(*) HAVING sum(friendship_id)  =  "1"
SELECT name FROM Highschooler WHERE number_of_friends_to_high_schooler  IN (SELECT count(*) FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE number_of_friends_to_high_schooler  = 3) )
SELECT name FROM Highschooler WHERE name  =  "Kyle"
SELECT count(*) FROM friend GROUP BY student_id HAVING count(*)  =  "Kyle"
SELECT student_id FROM Highschooler INNER JOIN Friend ON Highschooler.ID = Friend.student_id WHERE Friend.liked_id =  (SELECT liked_id FROM Friend WHERE Friend.friend_id =  (SELECT liked_id FROM Highschooler WHERE Friend.student_id =  (SELECT student_id FROM Highschooler WHERE Friend.student_id =  (SELECT student_id FROM Highschooler WHERE Friend.student_id =  (SELECT friend_id FROM Highschooler WHERE Friend.liked_id =  (SELECT liked_id FROM Highschooler WHERE Friend.liked_id =  (SELECT liked_id FROM Highschooler WHERE Friend.liked_id =  (SELECT liked_id FROM Highschooler WHERE
SELECT count(*) ,  student_id FROM Friend GROUP BY student_id HAVING COUNT(*)  =   "SELECT COUNT(*) FROM Friend GROUP BY student_id HAVING COUNT(*)  =   " ,  sum(student_id) FROM Friend
SELECT name ,  count(*) FROM Highschooler GROUP BY name HAVING count(*)  =  1
SELECT name FROM Highschooler JOIN Friend ON Highschooler.ID = Friend.student_id WHERE liked_id IN (SELECT liked_id FROM Likes WHERE liked_id IN (SELECT liked_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler
SELECT name FROM Highschooler WHERE liked_id IN (SELECT liked_id FROM Friend WHERE student_id IN (SELECT student_id FROM Friend WHERE liked_id IN (SELECT liked_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Friend WHERE liked_id IN (SELECT liked_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (SELECT student_id FROM Highschooler WHERE student_id IN (
SELECT count(*) FROM Friend WHERE friend_id  =  "Kyle"
SELECT avg(grade) FROM Highschooler GROUP BY student_id HAVING COUNT(*)  =  1
SELECT lowest_grade FROM Highschooler WHERE friend_id NOT IN (SELECT friend_id FROM Friend)
SELECT avg(age) FROM treatments
SELECT DISTINCT DISTINCT T2.professional_id FROM Professionals AS T1 JOIN Treatments AS T2 ON T1.professional_id  =  T2.professional_id JOIN Treatment_Types AS T3 ON T1.treatment_type_code  =  T3.treatment_type_code WHERE T3.treatment_type_code  =  "INDIAN" ORDER BY T1.date_of_treatment DESC LIMIT 2
SELECT dog_name FROM Dogs JOIN Treatment_Types ON dog_id =  dog_id JOIN Owners ON dog_id =  owner_id WHERE cost_of_treatment  > 1000
SELECT T1.name FROM Owners AS T1 JOIN Treatment_Types AS T2 ON T1.owner_id = T2.owner_id WHERE T2.owner_id NOT IN (SELECT owner_id FROM Treatment_Types WHERE treatment_type_code = "Treatment_Type_1")
SELECT T1.first_name FROM professionals AS T1 JOIN dogs AS T2 ON T1.professional_id  =  T2.professional_id JOIN dogs AS T3 ON T2.owner_id  =  T3.owner_id WHERE T3.name  =  "Owner" ORDER BY T2.name DESC LIMIT 1
SELECT first_name FROM professionals WHERE owner_id NOT IN (SELECT owner_id FROM professionals WHERE dog_id NOT IN (SELECT dog_id FROM professionals WHERE owner_id =  'Owners' OR owner_id =  'Dogs' ) )
SELECT DISTINCT professional_id ,  role ,  email FROM professionals WHERE employee_id NOT IN ( SELECT employee_id FROM treatments )
SELECT DISTINCT T2.professional_id ,  T2.role_code ,  T2.email FROM professionals AS T1 JOIN treatments AS T2 ON T1.professional_id  =  T2.professional_id JOIN dogs AS T2 ON T1.dog_id  =  T2.dog_id WHERE T2.treatment_type_code  =  "No treatment"
SELECT owner_id ,  first_name ,  last_name ,  COUNT(*) FROM Owners GROUP BY owner_id ,  first_name ,  last_name ,  COUNT(*) ,  owner_id ,  owner_id HAVING COUNT(*)  >  1
SELECT owner_id ,  first_name ,  last_name ,  COUNT(*) ,  MAX(last_name) FROM Owners GROUP BY owner_id HAVING COUNT(*)  >   max(last_name)
SELECT DISTINCT T2.professional_id ,  T2.role_code ,  T2.first_name ,  T2.street ,  T2.city ,  T2.state ,  T2.zip_code ,  T2.date_of_treatment FROM professionals AS T1 JOIN treatments AS T2 ON T1.professional_id  =  T2.professional_id JOIN dogs AS T2 ON T1.dog_id  =  T2.dog_id WHERE T2.date_of_treatment  =  "Two or more"
SELECT date_of_treatment ,  first_name FROM treatments AS T1 JOIN professionals AS T2 ON T1.professional_id  =  T2.professional_id
SELECT T1.first_name , T1.last_name ,  T1.size_code ,  T1.name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.owner_id =  T1.owner_id
SELECT T1.name ,  T1.date_arrived ,  T2.breed_name ,  T1.breed_description FROM breeds AS T1 JOIN treatments AS T2 ON T1.breed_id  =  T2.breed_id
SELECT owner_id ,  "Owner" ,  "Owner" ,  "Owner" ,  "Owner" ,  "Owner" FROM Dogs JOIN Owners ON Owners.owner_id = Dogs.owner_id WHERE Owners.owner_id = "Virginia"
SELECT date_arrived ,  DATE_STR(date_arrived, "dd-mm-yyyy") ,  DATE_STR(date_departed, "dd-mm-yyyy") FROM Dogs WHERE dog_id  =  "1" INTERSECT BUT ON DISTINCT dog_id  =  "1"
SELECT T1.last_name FROM Owners AS T1 JOIN Dogs AS T2 ON T1.owner_id = T2.owner_id WHERE T2.age  >  (SELECT max(age) FROM Dogs WHERE dog_id  =  T2.dog_id)
SELECT count(*) FROM treatments WHERE treatment_type_code  =  "Treatment_Types"
SELECT count(*) FROM professionals WHERE dog_id  =  'Mike'
SELECT DISTINCT T2.professional_id FROM professionals AS T1 JOIN treatments AS T2 ON T1.professional_id  =  T2.professional_id JOIN city AS T3 ON T1.city  =  T3.city WHERE T3.city  =  'West'
SELECT count(*) FROM dogs WHERE age  <  (SELECT avg(age) FROM dogs)
SELECT count(*) FROM dogs WHERE age  <   (SELECT avg(age) FROM breeds)
SELECT T2.cost_of_treatment FROM treatments AS T1 JOIN treatments AS T2 ON T1.treatment_id  =  T2.treatment_id WHERE T1.date_of_treatment  =  "2023-01-01"
SELECT count(*) FROM professionals WHERE dog_id NOT IN ( SELECT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DIST
SELECT count(*) FROM professionals WHERE dog_id NOT IN ( SELECT DISTINCT DISTINCT employee_id FROM treatments )
SELECT age FROM Dogs ORDER BY age DESC LIMIT 1
SELECT charge_type ,  COUNT(*) FROM charges AS T1 JOIN charges AS T2 ON T1.charge_type  =  T2.charge_type WHERE charge_type  =  "cost_of_treatment"
SELECT email ,  city ,  phone FROM professionals AS T1 JOIN dogs AS T2 ON T1.professional_id = T2.professional_id
SELECT breed_type ,  size_type FROM breeds AS T1 JOIN breeds AS T2 ON T1.breed_code  =  T2.breed_code WHERE T2.size_type  =  "size_type"
SELECT first_name ,  description FROM professionals WHERE professional_id  =  '1' INTERSECT SELECT first_name ,  description FROM treatments WHERE treatment_type_code  =  'treatment_type_code'
SELECT count(*) FROM singer
SELECT T1.Name FROM singer AS T1 JOIN singer AS T2 ON T1.Singer_ID  =  T2.Singer_ID ORDER BY T2.Net_Worth_Millions DESC
SELECT T1.Name FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID = T2.Singer_ID GROUP BY T1.Singer_ID HAVING COUNT(*)  >   (SELECT max(net_worth_millions) FROM song)
SELECT T2.Citizenship ,  COUNT(*) FROM singer AS T1 JOIN singer AS T2 ON T1.Singer_ID  =  T2.Singer_ID GROUP BY T1.Citizenship HAVING COUNT(*)  =   "SELECT COUNT(*) FROM singer AS T1 JOIN singer AS T2 ON T1.Singer_ID  =  T2.Singer_ID GROUP BY T1.Citizenship HAVING COUNT(*)  =   "SELECT COUNT(*) FROM singer AS T1 JOIN singer AS T2 ON T1.Singer_ID  =  T2.Singer_ID GROUP BY T1.Citizenship H
SELECT T2.Citizenship FROM singer AS T1 JOIN singer AS T2 ON T1.Singer_ID  =  T1.Singer_ID JOIN song AS T3 ON T1.Song_ID  =  T3.Song_ID GROUP BY T1.Singer_ID HAVING COUNT(*)  >   "Most Common"
SELECT T2.Name ,  sum(T1.Sales) FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID
SELECT T2.Name FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID JOIN song AS T3 ON T1.Song_ID  =  T3.Song_ID
SELECT T1.Singer_ID ,  T1.Song_ID FROM singer AS T1 JOIN song AS T2 ON T1.Singer_ID  =  T2.Singer_ID
SELECT T1.feature_type_name FROM Ref_Feature_Types AS T1 JOIN Ref_Property_Types AS T2 ON T1.feature_type_code  =  T2.feature_type_code WHERE T2.feature_type_name  =  "AirCon"
SELECT property_type_description FROM Properties WHERE property_id =  "Ref_Property_Types"
SELECT property_name FROM Properties WHERE room_count  >  1 ORDER BY property_name DESC LIMIT 1
